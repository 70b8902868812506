// The key's past transcripts and summaries: searchable, openable, deletable.

import { getJson, remove } from "./api.js";
import { el, withNames } from "./render.js";
import { loadNames } from "./view.js";

const $ = (id) => document.getElementById(id);

let latest = { transcripts: [], summaries: [] };

/** Summaries of one transcript in the last listing, newest first. */
export const summariesOf = (transcriptId) => latest.summaries.filter((s) => s.transcript_id === transcriptId);

function when(iso) {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function clip(text, length = 140) {
  const flat = (text || "").replace(/(^|\n)\s*[-*•]\s+/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** Ask before deleting, in a modal dialog (keyboard: Esc keeps the item). */
export function confirmDelete(question) {
  const dialog = $("confirm");
  $("confirm-text").textContent = question;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

function entry({ title, meta, open, openLabel, onDelete, deleteLabel }) {
  const actions = el("div", { class: "entry-actions" });
  if (open) actions.append(el("button", { type: "button", class: "small", text: "Open", "aria-label": openLabel, onclick: open }));
  actions.append(el("button", { type: "button", class: "small ghost", text: "Delete", "aria-label": deleteLabel, onclick: onDelete }));
  return el("li", {}, el("p", { class: "entry-title", text: title }), el("p", { class: "meta", text: meta }), actions);
}

/**
 * Load the listing for the search box's query and draw it. `handlers` open and delete items:
 * {openTranscript(id), openSummary(id), deleted(kind, id), failed(error)}.
 */
let asked = 0; // the latest listing asked for; an older answer arriving late is dropped

export async function loadHistory(handlers) {
  const query = $("history-query").value.trim();
  const status = $("history-status");
  const mine = ++asked;
  status.textContent = "Loading…";
  let listing;
  try {
    listing = await getJson(`/api/history?q=${encodeURIComponent(query)}&limit=50`);
  } catch (error) {
    if (mine === asked) status.textContent = error.message;
    return;
  }
  if (mine !== asked) return;
  latest = listing;
  const transcripts = $("history-transcripts");
  const summaries = $("history-summaries");
  transcripts.replaceChildren();
  summaries.replaceChildren();
  for (const t of latest.transcripts) {
    const title = t.status === "completed" ? clip(t.preview) || "(no speech found)" : t.status === "error" ? `Failed: ${clip(t.error, 100)}` : `${t.status[0].toUpperCase()}${t.status.slice(1)}…`;
    const meta = [when(t.created), t.audio_duration != null ? `${t.audio_duration} s` : null, t.speakers ? `${t.speakers} speakers` : null].filter(Boolean).join(" · ");
    transcripts.append(
      entry({
        title,
        meta,
        open: t.status === "completed" ? () => handlers.openTranscript(t.id) : null,
        openLabel: `Open transcript from ${when(t.created)}`,
        deleteLabel: `Delete transcript from ${when(t.created)}`,
        onDelete: () => removeItem("transcript", t.id, `Delete this transcript and its summaries? “${clip(t.preview || t.error, 80)}”`, handlers),
      }),
    );
  }
  for (const s of latest.summaries) {
    summaries.append(
      entry({
        title: clip(withNames(s.preview, s.transcript_id ? loadNames(s.transcript_id) : {})) || "(empty summary)",
        meta: [when(s.created), s.style, s.transcript_id ? "of a recording" : "of a text"].join(" · "),
        open: () => handlers.openSummary(s.id),
        openLabel: `Open ${s.style} summary from ${when(s.created)}`,
        deleteLabel: `Delete ${s.style} summary from ${when(s.created)}`,
        onDelete: () => removeItem("summary", s.id, `Delete this summary? “${clip(s.preview, 80)}”`, handlers),
      }),
    );
  }
  if (!latest.transcripts.length) transcripts.append(el("li", { class: "hint", text: query ? "No transcript contains that." : "None yet." }));
  if (!latest.summaries.length) summaries.append(el("li", { class: "hint", text: query ? "No summary contains that." : "None yet." }));
  const count = latest.transcripts.length + latest.summaries.length;
  status.textContent = query ? `${count} found for “${query}”.` : "";
}

async function removeItem(kind, id, question, handlers) {
  if (!(await confirmDelete(question))) return;
  try {
    await remove(kind === "transcript" ? `/v2/transcript/${id}` : `/api/summaries/${id}`);
    handlers.deleted(kind, id);
  } catch (error) {
    handlers.failed(error);
  }
  await loadHistory(handlers);
}
