// The page's only door to the server: the public APIs, with the key the user typed in.
// Every failure becomes an ApiError whose message a person can act on.

const KEY_STORAGE = "synopsis.key";

export class ApiError extends Error {
  constructor(message, { status = 0, kind = "error" } = {}) {
    super(message);
    this.status = status;
    this.kind = kind; // "key" for anything the key panel should show, "cancelled", "error"
  }
}

export const keyStore = {
  get: () => localStorage.getItem(KEY_STORAGE) || "",
  set: (key) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

function authHeader() {
  const key = keyStore.get();
  if (!key) {
    throw new ApiError("Enter your API key first: the server printed one when it first started.", {
      kind: "key",
    });
  }
  return { authorization: key };
}

/** The readable sentence for a failed answer, from its status and the server's own message. */
export function explain(status, message) {
  const said = (message || "").trim();
  if (status === 401) {
    if (/revoked/i.test(said)) {
      return new ApiError(
        "This API key has been revoked. Ask whoever runs the server for a new one " +
          "(synopsis keys create) and enter it under API key.",
        { status, kind: "key" },
      );
    }
    if (/missing/i.test(said)) {
      return new ApiError("No API key was sent. Enter your key under API key.", { status, kind: "key" });
    }
    return new ApiError(
      "The server does not know this API key. Check it for typos, or ask for a new one.",
      { status, kind: "key" },
    );
  }
  if (status === 413) return new ApiError(`Too large for this server: ${said}.`, { status });
  if (status === 429) {
    return new ApiError(`The server is busy: ${said}. Try again when your other jobs have finished.`, {
      status,
    });
  }
  if (status === 503) return new ApiError(`The model is not available right now: ${said}.`, { status });
  if (status === 404) return new ApiError(said || "Not found.", { status });
  if (status >= 500) {
    return new ApiError(`The server failed (${status}): ${said || "no details"}. Its log has more.`, {
      status,
    });
  }
  return new ApiError(said || `The request failed (${status}).`, { status });
}

async function errorFrom(response) {
  let message = "";
  try {
    const body = await response.json();
    const error = body.error ?? body.err_msg ?? body.detail;
    message = typeof error === "string" ? error : error?.message ?? "";
  } catch {
    message = response.statusText;
  }
  return explain(response.status, message);
}

const UNREACHABLE =
  "The server cannot be reached. Is synopsis serve still running? The page retries when you try again.";

/** fetch() with the key; resolves to the Response of a 2xx, throws ApiError otherwise. */
export async function request(method, path, { json, signal } = {}) {
  const headers = authHeader();
  const init = { method, headers, signal };
  if (json !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw new ApiError("Cancelled.", { kind: "cancelled" });
    throw new ApiError(UNREACHABLE);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export const getJson = async (path) => (await request("GET", path)).json();
export const postJson = async (path, json) => (await request("POST", path, { json })).json();
export const remove = async (path) => (await request("DELETE", path)).json();

/**
 * POST a file to /v2/upload, reporting bytes sent; resolves to the upload_url.
 * XMLHttpRequest because fetch() still cannot report upload progress.
 */
export function upload(file, onProgress, signal) {
  return new Promise((resolve, reject) => {
    let headers;
    try {
      headers = authHeader();
    } catch (error) {
      reject(error);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v2/upload");
    xhr.setRequestHeader("authorization", headers.authorization);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* an empty or non-JSON body: the status says enough */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body.upload_url);
      else reject(explain(xhr.status, typeof body.error === "string" ? body.error : xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(UNREACHABLE));
    xhr.onabort = () => reject(new ApiError("Cancelled.", { kind: "cancelled" }));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Fetch a resource that needs the key as a Blob (media, captions). */
export async function blob(path) {
  return (await request("GET", path)).blob();
}
