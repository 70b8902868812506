// The result: the transcript (or pasted text) beside its summary, speaker names the user gives,
// the recording to play from any timestamp, copy, downloads and "check this summary".

import { blob, postJson } from "./api.js";
import {
  clock,
  el,
  markdown,
  renderSource,
  renderSummary,
  renderTranscript,
  save,
  transcriptText,
  withNames,
} from "./render.js";

const $ = (id) => document.getElementById(id);
const NAMES_PREFIX = "synopsis.names.";

/**
 * What the result shows. `transcript` is the transcript API's object (or null for a pasted
 * text), `spans` its utterances or paragraphs, `summary` a summary job's answer (or null).
 */
export const view = {
  transcript: null,
  spans: [],
  source: null,
  summary: null,
  names: {},
  media: null, // {url, owned} an object URL for the player; owned ones are revoked on change
  mediaLoad: null, // a function that fetches the recording when first needed
  mediaLoading: null, // the fetch in flight, so two clicks do not start two downloads
  evaluation: null, // the last check of the shown summary, kept across re-renders
  onError: () => {},
};

export function clearView() {
  setMedia(null);
  Object.assign(view, {
    transcript: null, spans: [], source: null, summary: null, names: {}, mediaLoad: null, mediaLoading: null, evaluation: null,
  });
  $("result").hidden = true;
}

/** Show a transcript; `spans` are its utterances (or paragraphs without speaker labels). */
export function showTranscript(transcript, spans) {
  view.transcript = transcript;
  view.spans = spans;
  view.source = null;
  view.names = loadNames(transcript.id);
  $("source-heading").textContent = "Transcript";
  const speakers = [...new Set(spans.map((s) => s.speaker).filter(Boolean))];
  const parts = [
    transcript.audio_duration != null ? `${clock(transcript.audio_duration * 1000)} long` : null,
    transcript.language_code ? `language ${transcript.language_code}` : null,
    speakers.length ? `${speakers.length} speaker${speakers.length === 1 ? "" : "s"}` : null,
    transcript.speech_model_used ? `model ${transcript.speech_model_used}` : null,
  ];
  $("source-meta").textContent = parts.filter(Boolean).join(" · ");
  renderNameFields(speakers);
  setMediaOnly(true);
  renderAll();
}

/** Show a pasted text where the transcript would be. */
export function showSource(text) {
  setMedia(null);
  Object.assign(view, { transcript: null, spans: [], source: text, names: {}, mediaLoad: null, mediaLoading: null });
  $("source-heading").textContent = "Source text";
  $("source-meta").textContent = `${text.trim().split(/\s+/).length} words`;
  $("speaker-names").hidden = true;
  $("player-box").hidden = true;
  $("player-note").hidden = true;
  setMediaOnly(false);
  renderAll();
}

export function showSummary(job) {
  view.summary = job;
  view.evaluation = null;
  renderAll();
}

function setMediaOnly(media) {
  for (const node of document.querySelectorAll("#summary-panel [data-media-only]")) node.hidden = !media;
}

export function renderAll() {
  $("result").hidden = false;
  if (view.transcript) renderTranscript($("transcript"), view.spans, view.names, seek);
  else if (view.source !== null) renderSource($("transcript"), view.source);
  const box = $("summary");
  const result = view.summary?.result;
  $("check").disabled = !result;
  for (const button of document.querySelectorAll("[data-download]")) button.disabled = !result && !view.transcript;
  if (!result) {
    $("summary-meta").textContent = "";
    box.replaceChildren(el("p", { class: "hint", text: view.summary ? "Summarizing…" : "No summary yet." }));
    return;
  }
  const seconds = result.timings?.total;
  $("summary-meta").textContent = [
    result.style,
    result.model,
    result.chunks > 1 ? `${result.chunks} parts` : null,
    seconds ? `${Math.round(seconds)} s` : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const citations = new Map((result.citations || []).map((c) => [c.line, c]));
  view.lines = renderSummary(box, result, view.names, citations, seek);
  if (result.unsupported?.length) {
    const terms = result.unsupported.map((t) => t.text).join(", ");
    box.append(el("p", { class: "warning", text: `Not found in the source: ${terms}. Check these before you rely on them.` }));
  }
  showEvaluation();
}

// --- speaker names ---------------------------------------------------------------------------

/** The names the user gave a transcript's speakers in this browser ({A: "Maria"}). */
export function loadNames(transcriptId) {
  try {
    return JSON.parse(localStorage.getItem(NAMES_PREFIX + transcriptId) || "{}");
  } catch {
    return {};
  }
}

function renderNameFields(speakers) {
  const form = $("speaker-names");
  const fields = $("speaker-fields");
  fields.replaceChildren();
  form.hidden = speakers.length === 0;
  for (const label of speakers) {
    const id = `speaker-name-${label}`;
    const input = el("input", {
      id,
      type: "text",
      value: view.names[label] || "",
      placeholder: `Speaker ${label}`,
      autocomplete: "off",
      maxLength: 60,
      "data-speaker": label,
    });
    input.addEventListener("input", () => {
      view.names[label] = input.value;
      localStorage.setItem(NAMES_PREFIX + view.transcript.id, JSON.stringify(view.names));
      renderAll();
    });
    fields.append(el("div", { class: "field" }, el("label", { htmlFor: id, text: `Speaker ${label}` }), input));
  }
}

// --- the recording ---------------------------------------------------------------------------

/** Use `url` for the player (null: none); `owned` object URLs are revoked when replaced. */
export function setMedia(url, owned = true) {
  if (view.media?.owned) URL.revokeObjectURL(view.media.url);
  view.media = url ? { url, owned } : null;
  const player = $("player");
  $("player-box").hidden = !url;
  player.classList.remove("audio-only");
  if (url) player.src = url;
  else player.removeAttribute("src");
}

/** The recording of a stored transcript, fetched when first played (it may be large). */
export function mediaOnDemand(transcriptId) {
  $("player-note").hidden = true;
  view.mediaLoad = async () => {
    note("Loading the recording…");
    try {
      const recording = await blob(`/api/transcripts/${transcriptId}/media`);
      if (view.transcript?.id !== transcriptId) return; // another transcript is shown now
      setMedia(URL.createObjectURL(recording));
      $("player-note").hidden = true;
      view.mediaLoad = null;
    } catch (error) {
      if (view.transcript?.id !== transcriptId) return;
      note(error.status === 404 ? "The recording is not stored on the server (it came from a URL), so it cannot be played here." : error.message);
      view.mediaLoad = null;
      throw error;
    }
  };
}

function note(text) {
  $("player-note").textContent = text;
  $("player-note").hidden = false;
}

async function seek(ms) {
  if (!view.media && view.mediaLoad) {
    view.mediaLoading ??= view.mediaLoad().finally(() => (view.mediaLoading = null));
    try {
      await view.mediaLoading;
    } catch {
      return;
    }
  }
  if (!view.media) {
    note("There is no recording to play for this transcript.");
    return;
  }
  const player = $("player");
  const go = () => {
    player.currentTime = ms / 1000;
    player.play().catch(() => {}); // autoplay rules may refuse; the position is still set
  };
  if (player.readyState >= 1) go();
  else player.addEventListener("loadedmetadata", go, { once: true });
  player.focus({ preventScroll: true });
}

export function watchPlayer() {
  const player = $("player");
  player.addEventListener("loadedmetadata", () => {
    player.classList.toggle("audio-only", player.videoWidth === 0);
  });
  player.addEventListener("error", () => {
    if (view.media) note("This browser cannot play the recording's format; the transcript and summary are unaffected.");
  });
}

// --- copy, downloads, check ------------------------------------------------------------------

function summaryText() {
  return withNames(view.summary?.result?.summary || "", view.names);
}

function sourceText() {
  return view.transcript ? transcriptText(view.spans, view.names) : view.source || "";
}

export async function copy(what) {
  const text = what === "summary" ? summaryText() : sourceText();
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el("textarea", { value: text, class: "visually-hidden" });
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const toast = $("copied");
  toast.textContent = what === "summary" ? "Summary copied." : "Transcript copied.";
  setTimeout(() => (toast.textContent = ""), 2500);
}

function baseName() {
  const id = view.transcript?.id || view.summary?.id || "summary";
  return `synopsis-${id.slice(0, 8)}`;
}

export async function download(kind) {
  const name = baseName();
  if (kind === "srt" || kind === "vtt") {
    const captions = await (await blob(`/v2/transcript/${view.transcript.id}/${kind}`)).text();
    save(`${name}.${kind}`, withNames(captions, view.names), kind === "vtt" ? "text/vtt" : "application/x-subrip");
  } else if (kind === "txt") {
    const summary = summaryText();
    const body = summary ? `${summary.trim()}\n\n---\n\n${sourceText()}\n` : `${sourceText()}\n`;
    save(`${name}.txt`, body);
  } else if (kind === "md") {
    const title = view.transcript ? "Transcript and summary" : "Summary";
    save(`${name}.md`, markdown({ summary: view.summary?.result?.summary || "", spans: view.spans, source: view.source, names: view.names, title }), "text/markdown");
  } else {
    const data = {
      transcript: view.transcript,
      source: view.source,
      summary: view.summary?.result || null,
      speaker_names: view.names,
    };
    save(`${name}.json`, JSON.stringify(data, null, 2), "application/json");
  }
}

/** Run the deterministic checks on the shown summary and mark the lines they doubt. */
export async function check() {
  const shown = view.summary;
  $("check-result").replaceChildren(el("p", { class: "hint", text: "Checking every name, number, date, owner and line…" }));
  const evaluation = await postJson("/api/evaluations", { summary_id: shown.id });
  if (view.summary !== shown) return; // another summary is shown now
  view.evaluation = evaluation;
  showEvaluation(); // #check-result is a live region: its verdict is announced
}

/** Draw the last check's findings: each doubtful line marked in place, and listed below. */
function showEvaluation() {
  const out = $("check-result");
  out.replaceChildren();
  const evaluation = view.evaluation;
  if (!evaluation) return;
  if (!evaluation.lines.length) {
    out.append(el("p", { class: "ok", text: "No problems found: every name, number and date is in the source, owners match who said it, and every line is a complete sentence." }));
    return;
  }
  const count = evaluation.lines.length;
  out.append(el("p", { class: "warning", text: `${count} line${count === 1 ? " needs" : "s need"} a second look:` }));
  const list = el("ul", { class: "problems" });
  for (const flagged of evaluation.lines) {
    const problems = flagged.problems.map((p) => withNames(p, view.names)).join("; ");
    const node = view.lines?.get(flagged.line);
    if (node) {
      node.classList.add("flagged");
      node.append(el("span", { class: "problem", text: ` ⚠ ${problems}` }));
    }
    list.append(el("li", {}, el("q", { text: withNames(flagged.text.replace(/^\s*[-*•]\s*/, ""), view.names) }), ` ${problems}`));
  }
  out.append(list);
}
