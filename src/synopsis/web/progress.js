// The progress panel: which step the job is on, how far it is, in words and as a bar.
// `data-stage` on the panel is the current step, for scripts and tests that watch the page.
// Screen readers hear each step once (#progress-live), not every second of a count.

const panel = () => document.getElementById("progress");
const STEPS = ["upload", "queued", "transcribing", "speakers", "summarizing"];
const SAID = { upload: "Uploading", queued: "Queued", transcribing: "Transcribing", speakers: "Labelling speakers", summarizing: "Summarizing" };

function announce(text) {
  document.getElementById("progress-live").textContent = text;
}

/** Show only the steps this run will go through (a pasted text skips the first four). */
export function beginProgress(steps) {
  const box = panel();
  box.hidden = false;
  for (const item of box.querySelectorAll("[data-step]")) {
    item.hidden = !steps.includes(item.dataset.step);
    item.removeAttribute("data-state");
    item.removeAttribute("aria-current");
  }
  box.dataset.stage = "starting";
}

/** Mark `stage` current (steps before it done); `fraction` null shows a busy bar. */
export function showProgress(stage, text, fraction = null) {
  const box = panel();
  const current = STEPS.indexOf(stage);
  if (box.dataset.stage !== stage) announce(`${SAID[stage]}…`);
  box.dataset.stage = stage;
  for (const item of box.querySelectorAll("[data-step]")) {
    const index = STEPS.indexOf(item.dataset.step);
    if (index < current) item.dataset.state = "done";
    else if (index === current) item.dataset.state = "active";
    else item.removeAttribute("data-state");
    if (index === current) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
  setBar(fraction);
  document.getElementById("progress-text").textContent = text;
}

/** The run ended: "done", "cancelled" or "error", with a last line of text. */
export function endProgress(outcome, text) {
  const box = panel();
  box.dataset.stage = outcome;
  announce(text);
  if (outcome === "done") {
    for (const item of box.querySelectorAll("[data-step]")) {
      item.dataset.state = "done";
      item.removeAttribute("aria-current");
    }
    setBar(1);
  } else {
    setBar(0);
  }
  document.getElementById("progress-text").textContent = text;
}

function setBar(fraction) {
  const bar = document.getElementById("progress-bar");
  if (fraction === null || Number.isNaN(fraction)) bar.removeAttribute("value");
  else bar.value = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
}

const seconds = (value) => `${Math.round(value)} s`;

/** A transcript job's status and progress, as the step and the words a person reads. */
export function transcriptStage(transcript, labelling) {
  if (transcript.status === "queued") return ["queued", "Queued: waiting for a free worker.", null];
  const progress = transcript.progress || {};
  const { stage, done = 0, total = 0 } = progress;
  if (stage === "speakers" && labelling) {
    const share = total ? done / total : null;
    return ["speakers", `Labelling speakers${share === null ? "…" : `: ${Math.round(share * 100)} %`}`, share];
  }
  if (stage === "transcribe" && total) {
    return ["transcribing", `Transcribing: ${seconds(done)} of ${seconds(total)} of audio.`, done / total];
  }
  if (stage === "decode") return ["transcribing", "Transcribing: reading the recording…", null];
  if (stage && stage !== "transcribe") return ["summarizing", "Writing the transcript's extras…", null];
  return ["transcribing", "Transcribing: starting…", null];
}

/** A summary job's status and progress, as the step and the words a person reads. */
export function summaryStage(job) {
  if (job.status === "queued") return ["summarizing", "Summarizing: waiting for the model.", null];
  const { done = 0, total = 0 } = job.progress || {};
  const stage = job.progress?.stage || "";
  if (stage === "map") {
    if (total > 1) return ["summarizing", `Summarizing: part ${done} of ${total} done.`, done / total];
    return ["summarizing", "Summarizing: taking notes…", null];
  }
  if (stage.startsWith("condense")) return ["summarizing", "Summarizing: condensing the key points…", null];
  if (stage === "final") return ["summarizing", "Summarizing: writing the summary…", null];
  if (stage === "saving") return ["summarizing", "Summarizing: saving…", 1];
  if (stage === "transcribe" && total) {
    return ["transcribing", `Transcribing: ${seconds(done)} of ${seconds(total)} of audio.`, done / total];
  }
  return ["summarizing", "Summarizing: starting…", null];
}
