// The playground: a form that runs upload → transcript → summary through the public APIs,
// a progress panel, the result side by side, and the key's history.

import { ApiError, getJson, keyStore, postJson, request, upload } from "./api.js";
import { loadHistory, summariesOf } from "./history.js";
import { size } from "./render.js";
import { beginProgress, endProgress, showProgress, summaryStage, transcriptStage } from "./progress.js";
import {
  check,
  clearView,
  copy,
  download,
  mediaOnDemand,
  setMedia,
  showSource,
  showSummary,
  showTranscript,
  view,
  watchPlayer,
} from "./view.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 700;
const POLL_RETRIES = 30; // two seconds apart: a server restart has a minute to come back
const CANCELLED = "Cancelled by the caller";
const LANGUAGES = [
  ["en", "English"], ["de", "German"], ["fr", "French"], ["es", "Spanish"], ["it", "Italian"],
  ["nl", "Dutch"], ["pt", "Portuguese"],
];
const SPOKEN_ONLY = [
  ["pl", "Polish"], ["sv", "Swedish"], ["da", "Danish"], ["no", "Norwegian"], ["fi", "Finnish"],
  ["cs", "Czech"], ["ru", "Russian"], ["uk", "Ukrainian"], ["tr", "Turkish"], ["ar", "Arabic"],
  ["hi", "Hindi"], ["ja", "Japanese"], ["ko", "Korean"], ["zh", "Chinese"],
];
const EXAMPLE_SCHEMA = {
  type: "object",
  properties: {
    title: { type: "string" },
    decisions: { type: "array", items: { type: "string" } },
    action_items: {
      type: "array",
      items: {
        type: "object",
        properties: { owner: { type: "string" }, task: { type: "string" }, due: { type: "string" } },
        required: ["owner", "task"],
      },
    },
  },
  required: ["title", "decisions", "action_items"],
};

let limits = null;
let run = null; // the job in flight: {controller, transcriptId, summaryId, cancelled}

// --- errors ----------------------------------------------------------------------------------

function showError(error) {
  const box = $("error");
  box.textContent = error.message;
  box.hidden = false;
  if (error.kind === "key") openKeyPanel(error.message);
}

function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

// --- key and theme ---------------------------------------------------------------------------

function openKeyPanel(message = "") {
  $("key-panel").hidden = false;
  $("key-toggle").setAttribute("aria-expanded", "true");
  $("key-status").textContent = message;
  $("key-status").classList.toggle("bad", Boolean(message));
  $("key-input").focus();
}

function closeKeyPanel() {
  $("key-panel").hidden = true;
  $("key-toggle").setAttribute("aria-expanded", "false");
}

function keyLabel() {
  const key = keyStore.get();
  $("key-toggle").textContent = key ? `API key ${key.slice(0, 8)}…` : "API key: none";
}

async function saveKey(event) {
  event.preventDefault();
  const key = $("key-input").value.trim();
  if (!key) {
    openKeyPanel("Paste the key first.");
    return;
  }
  const previous = keyStore.get();
  keyStore.set(key);
  try {
    limits = (await getJson("/api/info")).limits;
  } catch (error) {
    if (error.kind === "key") {
      if (previous) keyStore.set(previous);
      else keyStore.clear();
      openKeyPanel(error.message);
      keyLabel();
      return;
    }
    // the server may be down; the key is kept and checked with the next request
  }
  $("key-input").value = "";
  keyLabel();
  $("key-status").classList.remove("bad");
  $("key-status").textContent = "Key saved in this browser.";
  clearError();
  closeKeyPanel();
  await afterKey();
}

async function forgetKey() {
  if (run) await cancelJob(); // the job would otherwise run on with nobody to see it
  keyStore.clear();
  keyLabel();
  clearView();
  openKeyPanel("Key forgotten. Enter one to go on.");
  $("history-transcripts").replaceChildren();
  $("history-summaries").replaceChildren();
}

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  $("theme-toggle").setAttribute("aria-pressed", String(dark));
}

function toggleTheme() {
  const dark = $("theme-toggle").getAttribute("aria-pressed") === "true";
  const theme = dark ? "light" : "dark";
  localStorage.setItem("synopsis.theme", theme);
  applyTheme(theme);
}

// --- the form --------------------------------------------------------------------------------

const sourceKind = () => document.querySelector('input[name="source"]:checked').value;

function syncForm() {
  const kind = sourceKind();
  for (const pane of document.querySelectorAll(".source-pane")) pane.hidden = pane.dataset.source !== kind;
  for (const node of document.querySelectorAll("#job-form [data-media-only]")) node.hidden = kind === "text";
  const style = $("style").value;
  for (const node of document.querySelectorAll("[data-style]")) node.hidden = node.dataset.style !== style;
  if (style === "json") checkSchema();
}

/** The schema box's content as an object, or an error message (shown beside the box). */
function parsedSchema() {
  const text = $("schema").value.trim();
  if (!text) return { error: "Give the JSON Schema the answer must match." };
  let schema;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${error.message}` };
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return { error: "The schema must be a JSON object, such as {\"type\": \"object\", …}." };
  }
  if (schema.type !== undefined && schema.type !== "object") {
    return { error: `The answer is a JSON object, so the schema's "type" must be "object" (it is ${JSON.stringify(schema.type)}).` };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(schema)).length;
  if (limits && bytes > limits.schema_max_bytes) {
    return { error: `The schema is ${bytes} bytes; the server takes at most ${limits.schema_max_bytes}.` };
  }
  return { schema };
}

function checkSchema() {
  const { schema, error } = parsedSchema();
  const status = $("schema-status");
  status.classList.toggle("bad", Boolean(error));
  $("schema").setAttribute("aria-invalid", String(Boolean(error)));
  status.textContent = error || `A valid schema with ${Object.keys(schema.properties || {}).length} fields.`;
  return !error;
}

function chosenFile(file) {
  $("file-name").textContent = file ? `${file.name} (${size(file.size)})` : "";
}

/** The summary options of the form, or throws an ApiError naming the field to fix. */
function summaryOptions() {
  const style = $("style").value;
  const options = { style };
  if ($("model").value) options.model = $("model").value;
  if ($("summary-language").value) options.language = $("summary-language").value;
  if (style === "custom") {
    const prompt = $("prompt").value.trim();
    if (!prompt) throw fieldError("prompt", "Write the format you want for a custom summary.");
    options.prompt = prompt;
  }
  if (style === "json") {
    const { schema, error } = parsedSchema();
    if (error) throw fieldError("schema", error);
    options.schema = schema;
  }
  return options;
}

function fieldError(id, message) {
  $(id).focus();
  return new ApiError(message);
}

function transcriptRequest(audioUrl) {
  const body = { audio_url: audioUrl, speaker_labels: $("speaker-labels").checked };
  const expected = $("speakers-expected").value.trim();
  if (expected) {
    const count = Number(expected);
    if (!Number.isInteger(count) || count < 1 || count > 20) {
      throw fieldError("speakers-expected", "Speakers expected is a whole number from 1 to 20, or empty.");
    }
    body.speakers_expected = count;
    body.speaker_labels = true;
  }
  if ($("spoken-language").value) body.language_code = $("spoken-language").value;
  else body.language_detection = true;
  return body;
}

// --- a run -----------------------------------------------------------------------------------

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", wake);
      resolve();
    }, ms);
    signal.addEventListener("abort", wake, { once: true });
  });
}

/** GET a job's state; a server that stops answering for a while (a restart) is waited for. */
async function poll(path) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson(path);
    } catch (error) {
      if (error.status !== 0 || error.kind !== "error" || attempt >= POLL_RETRIES || run.cancelled) throw error;
      $("progress-text").textContent = `The server is not answering; trying again (${attempt} of ${POLL_RETRIES})…`;
      await sleep(2000, run.controller.signal);
    }
  }
}

function cancelledError() {
  return new ApiError("Cancelled.", { kind: "cancelled" });
}

async function start(event) {
  event.preventDefault();
  if (run) return;
  clearError();
  const kind = sourceKind();
  let plan;
  try {
    const options = summaryOptions();
    if (kind === "text") {
      const text = $("text-input").value;
      if (!text.trim()) throw fieldError("text-input", "Paste the text to summarize.");
      plan = { options, text };
    } else if (kind === "url") {
      const url = $("url-input").value.trim();
      if (!/^https?:\/\/\S+$/i.test(url)) throw fieldError("url-input", "Give an http or https URL of an audio or video file.");
      plan = { options, transcript: transcriptRequest(url) };
    } else {
      const file = $("file-input").files[0];
      if (!file) throw fieldError("file-input", "Choose or drop a recording first.");
      if (limits && file.size > limits.upload_max_bytes) {
        throw new ApiError(`The file is ${size(file.size)}; this server takes recordings up to ${size(limits.upload_max_bytes)}.`);
      }
      plan = { options, file, transcript: transcriptRequest("") };
    }
  } catch (error) {
    showError(error);
    return;
  }
  run = { controller: new AbortController(), transcriptId: null, summaryId: null, cancelled: false };
  $("cancel").hidden = false;
  $("cancel").focus(); // the button the keyboard user was on is about to be disabled
  $("start").disabled = true;
  const labelling = Boolean(plan.transcript?.speaker_labels);
  const steps = plan.text ? ["summarizing"] : ["upload", "queued", "transcribing", "summarizing"];
  if (labelling) steps.splice(3, 0, "speakers");
  if (kind === "url") steps.shift();
  beginProgress(steps);
  let done = false;
  try {
    if (plan.text) {
      showSource(plan.text);
      showSummary(null);
      await summarize({ text: plan.text, ...plan.options });
    } else {
      if (plan.file) {
        const file = plan.file;
        showProgress("upload", "Uploading: 0 %", 0);
        plan.transcript.audio_url = await upload(
          file,
          (sent, total) => showProgress("upload", `Uploading: ${Math.floor((100 * sent) / total)} %`, sent / total),
          run.controller.signal,
        );
        clearView();
        setMedia(URL.createObjectURL(file));
      } else {
        clearView();
      }
      showProgress("queued", "Queued: waiting for a free worker.");
      const transcript = await transcribe(plan.transcript, labelling);
      if (!transcript.words?.length) {
        endProgress("done", "Done: no speech was found in the recording, so there is nothing to summarize.");
        return;
      }
      showSummary(null);
      await summarize({ transcript_id: transcript.id, ...plan.options });
    }
    endProgress("done", "Done: the summary is ready.");
    done = true;
  } catch (error) {
    if (error.kind === "cancelled" || run.cancelled) {
      endProgress("cancelled", "Cancelled. Nothing more will run for this job.");
    } else {
      endProgress("error", "Stopped by an error.");
      showError(error);
    }
  } finally {
    run = null;
    $("start").disabled = false;
    $("cancel").hidden = true;
    if (done) focusResult("summary-heading");
    else $("start").focus();
    refreshHistory();
  }
}

/**
 * Poll a job until `settle(job)` returns a value (it completed) or throws (it failed or was
 * cancelled), showing its progress with `stage(job)` meanwhile.
 */
async function follow(path, settle, stage) {
  for (;;) {
    const job = await poll(path);
    const outcome = settle(job);
    if (outcome) return outcome;
    showProgress(...stage(job));
    await sleep(POLL_MS, run.controller.signal);
  }
}

/** Stop here if the user cancelled while the last request was on its way. */
function stopIfCancelled() {
  if (run.cancelled) throw cancelledError();
}

async function transcribe(body, labelling) {
  stopIfCancelled();
  const created = await postJson("/v2/transcript", body);
  run.transcriptId = created.id;
  if (run.cancelled) await cancelJob();
  const transcript = await follow(
    `/v2/transcript/${created.id}`,
    (job) => {
      stopIfCancelled();
      if (job.status === "error") {
        if (job.error === CANCELLED || run.cancelled) throw cancelledError();
        throw new ApiError(`Transcription failed: ${job.error}`);
      }
      return job.status === "completed" ? job : null;
    },
    (job) => transcriptStage(job, labelling),
  );
  await showRunTranscript(transcript);
  return transcript;
}

async function summarize(body) {
  stopIfCancelled();
  showProgress("summarizing", "Summarizing: starting…");
  const created = await postJson("/api/summaries", body);
  run.summaryId = created.id;
  if (run.cancelled) await cancelJob();
  const job = await follow(
    `/api/summaries/${created.id}`,
    (job) => {
      if (job.status === "cancelled" || run.cancelled) throw cancelledError();
      if (job.status === "error") throw new ApiError(`Summarizing failed: ${job.error}`);
      return job.status === "completed" ? job : null;
    },
    summaryStage,
  );
  showSummary(job);
  return job;
}

async function cancelJob() {
  if (!run) return;
  run.cancelled = true;
  $("progress-text").textContent = "Cancelling…";
  run.controller.abort();
  try {
    if (run.summaryId) await request("POST", `/api/summaries/${run.summaryId}/cancel`);
    else if (run.transcriptId) await request("POST", `/api/transcripts/${run.transcriptId}/cancel`);
  } catch (error) {
    showError(error);
  }
}

// --- opening stored work ---------------------------------------------------------------------

/** The spans to show: utterances when speakers were labelled, else the API's paragraphs. */
async function spansOf(transcript) {
  if (transcript.utterances?.length) return transcript.utterances;
  if (!transcript.words?.length) return [];
  const { paragraphs } = await getJson(`/v2/transcript/${transcript.id}/paragraphs`);
  return paragraphs;
}

/** Show the run's finished transcript; an uploaded file already plays from this browser. */
async function showRunTranscript(transcript) {
  showTranscript(transcript, await spansOf(transcript));
  if (!view.media) mediaOnDemand(transcript.id);
}

let opening = 0; // the latest Open click; an earlier one still loading must not draw

/** Load what an Open click shows, then draw it, unless a later click or a run came first. */
async function openStored(load) {
  clearError();
  if (run) {
    showError(new ApiError("A job is running: wait for it, or cancel it, before opening another."));
    return;
  }
  const mine = ++opening;
  try {
    const { transcript, summary, source } = await load();
    const spans = transcript ? await spansOf(transcript) : null;
    if (mine !== opening || run) return;
    clearView();
    if (transcript) {
      showTranscript(transcript, spans);
      mediaOnDemand(transcript.id);
    } else {
      showSource(source || "");
    }
    showSummary(summary);
    focusResult("source-heading");
  } catch (error) {
    if (mine === opening) showError(error);
  }
}

const openStoredTranscript = (id) =>
  openStored(async () => {
    const transcript = await getJson(`/v2/transcript/${id}`);
    const [latest] = summariesOf(id);
    return { transcript, summary: latest ? await getJson(`/api/summaries/${latest.id}`) : null };
  });

const openStoredSummary = (id) =>
  openStored(async () => {
    const summary = await getJson(`/api/summaries/${id}`);
    const transcript = summary.transcript_id ? await getJson(`/v2/transcript/${summary.transcript_id}`) : null;
    return { transcript, summary, source: summary.source };
  });

function focusResult(heading) {
  $("result").scrollIntoView({ behavior: "smooth", block: "start" });
  $(heading).setAttribute("tabindex", "-1");
  $(heading).focus({ preventScroll: true });
}

const historyHandlers = {
  openTranscript: openStoredTranscript,
  openSummary: openStoredSummary,
  deleted(kind, id) {
    const shown = kind === "transcript" ? view.transcript?.id === id : view.summary?.id === id;
    if (shown) clearView();
    $("history-query").focus(); // the focused Delete button is gone with its entry
  },
  failed: showError,
};

function refreshHistory() {
  if (keyStore.get()) loadHistory(historyHandlers);
}

// --- start -----------------------------------------------------------------------------------

async function loadModels() {
  const select = $("model");
  try {
    const { data } = await getJson("/v1/models");
    select.replaceChildren(new Option("Server default", ""));
    for (const model of data) {
      const aliases = model.aliases?.length ? ` (${model.aliases.join(", ")})` : "";
      select.append(new Option(`${model.id}${aliases}`, model.id));
    }
  } catch (error) {
    if (error.kind === "key") throw error;
  }
}

async function afterKey() {
  try {
    limits = (await getJson("/api/info")).limits;
    await loadModels();
    refreshHistory();
  } catch (error) {
    showError(error);
  }
}

function fillLanguages() {
  for (const select of document.querySelectorAll("select.languages")) {
    const list = select.id === "spoken-language" ? [...LANGUAGES, ...SPOKEN_ONLY] : LANGUAGES;
    for (const [code, name] of list) select.append(new Option(name, code));
  }
}

function wireDrop() {
  const drop = $("drop");
  const input = $("file-input");
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
  }
  drop.addEventListener("dragleave", (event) => {
    if (!drop.contains(event.relatedTarget)) drop.classList.remove("over");
  });
  drop.addEventListener("drop", () => drop.classList.remove("over"));
  // a file dropped beside the zone must not make the browser leave the page (and the job)
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      chosenFile(input.files[0]);
    }
  });
  input.addEventListener("change", () => chosenFile(input.files[0]));
}

function boot() {
  applyTheme(localStorage.getItem("synopsis.theme"));
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme(localStorage.getItem("synopsis.theme")));
  fillLanguages();
  $("schema").value = JSON.stringify(EXAMPLE_SCHEMA, null, 2);
  wireDrop();
  watchPlayer();
  $("theme-toggle").addEventListener("click", toggleTheme);
  $("key-toggle").addEventListener("click", () => ($("key-panel").hidden ? openKeyPanel() : closeKeyPanel()));
  $("key-form").addEventListener("submit", saveKey);
  $("key-forget").addEventListener("click", forgetKey);
  $("job-form").addEventListener("submit", start);
  $("job-form").addEventListener("change", syncForm);
  $("schema").addEventListener("input", checkSchema);
  $("cancel").addEventListener("click", cancelJob);
  $("check").addEventListener("click", () => check().catch(showError));
  for (const button of document.querySelectorAll("[data-copy]")) button.addEventListener("click", () => copy(button.dataset.copy));
  for (const button of document.querySelectorAll("[data-download]")) {
    button.addEventListener("click", () => download(button.dataset.download).catch(showError));
  }
  let searchTimer;
  $("history-query").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(refreshHistory, 250);
  });
  $("history-form").addEventListener("submit", (event) => {
    event.preventDefault();
    refreshHistory();
  });
  $("history-refresh").addEventListener("click", refreshHistory);
  syncForm();
  keyLabel();
  if (keyStore.get()) {
    closeKeyPanel();
    afterKey();
  } else {
    openKeyPanel("Enter your API key to start.");
  }
}

boot();
