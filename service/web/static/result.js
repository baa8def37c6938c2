// The result: the preview, the facts, and in words what the service did and why (merged frames,
// what a size limit chose, every warning of the server).

import { $ } from "./store.js";
import { announce, element, humanBytes, pixels, playsWords, plural, sizeWords } from "./words.js";
import { expectedSize } from "./settings.js";

// Notes on the GIF as made, compared with what was sent ({frames, fields}).
function notes(gif, sent) {
  const said = [];
  if (gif.frames < sent.frames) {
    said.push(`${plural(sent.frames, "frame")} were set and the file has ${gif.frames}: identical frames in a row are stored once, showing for their delays added together.`);
  }
  if (gif.max_bytes) {
    const before = expectedSize();
    const smaller = before && (gif.width < before[0] || gif.height < before[1]);
    const colours = gif.colors < Number(sent.fields.colors) ? `at most ${gif.colors} colours per frame (instead of ${sent.fields.colors})` : null;
    const size = smaller ? `${pixels(gif.width, gif.height)} instead of ${pixels(before[0], before[1])}` : null;
    const changes = [size, colours].filter(Boolean).join(" and ");
    if (!gif.within_max_bytes) {
      said.push(`It could not get under the size limit of ${sizeWords(gif.max_bytes)}; the smallest it made is ${humanBytes(gif.bytes)}${changes ? `, with ${changes}` : ""}. Fewer frames or a smaller width would help.`);
    } else if (changes) {
      said.push(`To fit the size limit of ${sizeWords(gif.max_bytes)} it was made with ${changes}.`);
    } else {
      said.push(`It fits the size limit of ${sizeWords(gif.max_bytes)} as set.`);
    }
  }
  return [...said, ...(gif.warnings ?? [])];
}

export function showResult(gif, sent) {
  const link = new URL(gif.url, window.location.href).href;
  Object.assign($("result-preview"), {
    src: `${gif.url}?inline=1`, width: gif.width, height: gif.height,
    alt: `Your animated GIF: ${plural(gif.frames, "frame")}, ${gif.width} by ${gif.height} pixels`,
  });
  $("result-frames").textContent = String(gif.frames);
  $("result-size").textContent = `${pixels(gif.width, gif.height)}${gif.colors < 256 ? `, up to ${gif.colors} colours` : ""}`;
  $("result-bytes").textContent = humanBytes(gif.bytes);
  $("result-plays").textContent = playsWords(gif.loop);
  const expires = new Date(gif.expires_at);
  const hours = Math.round((expires - Date.now()) / 3600000);
  $("result-expires").textContent = `${expires.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })} (in ${plural(hours, "hour")})`;
  $("result-download").href = gif.url;
  Object.assign($("result-link"), { href: link, textContent: link });
  const said = notes(gif, sent);
  $("result-notes").replaceChildren(...said.map((text) => element("li", { textContent: text })));
  $("result-notes-box").hidden = said.length === 0;
  $("result-copy").dataset.link = link;
  $("copy-status").textContent = "";
  const result = $("result");
  result.hidden = false;
  result.focus({ preventScroll: true });
  result.scrollIntoView({ behavior: "smooth", block: "start" });
  announce(`Your GIF is ready: ${plural(gif.frames, "frame")}, ${humanBytes(gif.bytes)}.${said.length ? ` ${said.join(" ")}` : ""}`);
}

async function copyLink() {
  const link = $("result-copy").dataset.link;
  try {
    await navigator.clipboard.writeText(link);
  } catch {
    // No clipboard API outside a secure context (plain http): copy through a selected field.
    const field = element("textarea", { value: link, readOnly: true });
    document.body.append(field);
    field.select();
    document.execCommand("copy");
    field.remove();
  }
  $("copy-status").textContent = `Link copied: ${link}`;
}

export function setUpResult() {
  $("result-copy").addEventListener("click", copyLink);
}
