// Pure helpers that turn API results into DOM and into files. Text always goes in through
// textContent: a transcript or a summary is data, never markup.

/** "1:05" or "1:02:05" for milliseconds. */
export function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** "350 KB", "1.5 MB", "2 GB": a size for people. */
export function size(bytes) {
  const [unit, scale] = bytes >= 1e9 ? ["GB", 1e9] : bytes >= 1e6 ? ["MB", 1e6] : ["KB", 1e3];
  const value = bytes / scale;
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("data-") || name.startsWith("aria-") || name === "role") node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const LABEL = /\bSpeaker ([A-Z]{1,2})\b/g;

/** The text with "Speaker A" replaced by the name the user gave A (where one was given). */
export function withNames(text, names) {
  return (text || "").replace(LABEL, (whole, label) => names[label]?.trim() || whole);
}

export function speakerName(label, names) {
  return names[label]?.trim() || `Speaker ${label}`;
}

/** The summary lines as blocks: headings, bullets (grouped in lists) and paragraphs. */
function summaryBlocks(text) {
  const blocks = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const bullet = line.match(/^(?:[-*•+]|\d+[.)])\s+(.*)$/);
    const heading = line.match(/^#+\s*(.*)$/) || line.match(/^\*\*([^*]+)\*\*:?$/);
    if (heading) blocks.push({ kind: "heading", text: heading[1], index });
    else if (bullet) blocks.push({ kind: "bullet", text: bullet[1].replace(/\*\*/g, ""), index });
    else if (/:$/.test(line) && line.split(/\s+/).length <= 5) blocks.push({ kind: "heading", text: line, index });
    else blocks.push({ kind: "paragraph", text: line.replace(/\*\*/g, ""), index });
  });
  return blocks;
}

/**
 * Render a summary into `container`. `citations` maps a line index to the moment it comes
 * from; `onSeek(ms)` plays it. Returns the line elements by index, for marking them later.
 */
export function renderSummary(container, result, names, citations, onSeek) {
  container.replaceChildren();
  const lines = new Map();
  if (result.data !== null && result.data !== undefined) {
    const pre = el("pre", { class: "json", text: withNames(JSON.stringify(result.data, null, 2), names) });
    container.append(pre);
    return lines;
  }
  let list = null;
  for (const block of summaryBlocks(result.summary || "")) {
    const text = withNames(block.text, names);
    let node;
    if (block.kind === "bullet") {
      if (!list) {
        list = el("ul");
        container.append(list);
      }
      node = el("li", { "data-line": block.index }, el("span", { class: "line-text", text }));
      list.append(node);
    } else {
      list = null;
      node =
        block.kind === "heading"
          ? el("h4", { "data-line": block.index, text })
          : el("p", { "data-line": block.index }, el("span", { class: "line-text", text }));
      container.append(node);
    }
    const citation = citations.get(block.index);
    if (citation && block.kind !== "heading") {
      const where = clock(citation.start);
      const who = citation.speaker ? `, ${speakerName(citation.speaker, names)}` : "";
      node.append(
        " ",
        el("button", {
          type: "button",
          class: "cite",
          text: `▶ ${where}`,
          title: `“${withNames(citation.sentence, names)}”`,
          "aria-label": `Play the moment this comes from: ${where}${who}`,
          "data-start": citation.start,
          onclick: () => onSeek(citation.start),
        }),
      );
    }
    lines.set(block.index, node);
  }
  if (!container.childElementCount) container.append(el("p", { class: "hint", text: "The summary is empty." }));
  return lines;
}

/** Utterances (or paragraphs) with a timestamp button each; the speaker's name beside it. */
export function renderTranscript(container, spans, names, onSeek) {
  container.replaceChildren();
  for (const span of spans) {
    const where = clock(span.start);
    const item = el(
      "p",
      { class: "utterance", "data-start": span.start },
      el("button", {
        type: "button",
        class: "stamp",
        text: where,
        "aria-label": `Play from ${where}`,
        onclick: () => onSeek(span.start),
      }),
    );
    if (span.speaker) {
      item.append(" ", el("strong", { class: "speaker", "data-speaker": span.speaker, text: speakerName(span.speaker, names) }));
      item.append(el("span", { class: "visually-hidden", text: ":" }));
    }
    item.append(" ", el("span", { text: span.text }));
    container.append(item);
  }
}

/** A pasted source, shown where the transcript would be. */
export function renderSource(container, text) {
  container.replaceChildren();
  for (const line of text.split("\n")) {
    if (line.trim()) container.append(el("p", { class: "utterance", text: line.trim() }));
  }
}

// --- files -----------------------------------------------------------------------------------

export function transcriptText(spans, names) {
  return spans
    .map((span) => (span.speaker ? `${speakerName(span.speaker, names)}: ${span.text}` : span.text))
    .join("\n\n");
}

export function markdown({ summary, spans, source, names, title }) {
  const parts = [`# ${title}`, "", "## Summary", "", withNames(summary, names).trim(), ""];
  if (spans?.length) {
    parts.push("## Transcript", "");
    for (const span of spans) {
      const who = span.speaker ? `**${speakerName(span.speaker, names)}** ` : "";
      parts.push(`${who}[${clock(span.start)}] ${span.text}`, "");
    }
  } else if (source) {
    parts.push("## Source", "", source.trim(), "");
  }
  return parts.join("\n");
}

export function save(filename, text, type = "text/plain") {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
