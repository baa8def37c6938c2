// Creating the GIF: check every field, upload with progress, and on a failure say why (naming
// the field as the page labels it) with the keyboard focus on the message.

import { $, state, changed, totalBytes, frameCount } from "./store.js";
import { frameSetProblem, reasonWords } from "./files.js";
import { stopEstimate } from "./estimate.js";
import { LABELS, collectFields } from "./settings.js";
import { showResult } from "./result.js";
import { FieldError, announce, element, humanBytes, safe } from "./words.js";

const progress = $("progress");

// Where each field's own error shows, next to its control.
const FIELD_UI = {
  duration: ["delay", "delay-error"], loop: ["loop-count", "loop-error"], width: ["width-custom", "width-error"],
  colors: ["colors", "colors-error"], max_bytes: ["max-kib", "max-kib-error"], crop: ["crop-x", "crop-error"],
};

function showFieldError(field, message) {
  const [inputId, errorId] = FIELD_UI[field] ?? [null, null];
  if (!inputId) return null;
  const input = $(inputId);
  input.setAttribute("aria-invalid", "true");
  Object.assign($(errorId), { textContent: message, hidden: false });
  if (field === "crop") $("crop").open = true;
  if (field === "colors" || field === "max_bytes") input.closest("details").open = true;
  return input;
}

function clearFieldErrors() {
  for (const [field, [inputId, errorId]] of Object.entries(FIELD_UI)) {
    if (field === "crop") continue; // the crop shows its own problem as it is drawn or typed
    $(inputId).removeAttribute("aria-invalid");
    Object.assign($(errorId), { textContent: "", hidden: true });
  }
  $("frame-list").querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
}

function showError(message, title = "The GIF could not be made.") {
  const box = $("error");
  box.replaceChildren(element("strong", { textContent: title }), " ", message);
  box.hidden = false;
}

function showStatus(text, fraction) {
  $("status").hidden = false;
  $("status-text").textContent = text;
  if (fraction === null) progress.removeAttribute("value");
  else progress.value = Math.round(fraction * 100);
}

function setBusy(busy) {
  state.busy = busy;
  $("maker").setAttribute("aria-busy", String(busy));
  changed("busy");
  $("create").disabled = busy || state.frames.length === 0;
}

function flagFrames(name) {
  [...$("frame-list").children].forEach((li) => li.classList.toggle("flagged", Boolean(name) && li.dataset.name === name));
}

// A server message about a field, naming the field as the page labels it.
function inPageWords({ field, message }) {
  const label = LABELS[field];
  if (!label) return message;
  const named = new RegExp(`^${field}\\b`, "i");
  return named.test(message) ? message.replace(named, label) : `${label}: ${message}`;
}

export function create() {
  if (state.busy) return;
  $("error").hidden = true;
  clearFieldErrors();
  flagFrames(null);
  let collected;
  try {
    if (state.frames.length === 0) throw new FieldError("photo", "Add at least one image first.");
    const problem = frameSetProblem(state.frames);
    if (problem) throw new FieldError("photo", `${reasonWords(problem)}: remove some frames.`);
    collected = collectFields();
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    const input = error.frameIndex === undefined ? showFieldError(error.field, error.message) : invalidFrameDelay(error.frameIndex);
    showError(error.message, "Please check the form.");
    (input ?? $("error")).focus();
    return;
  }
  upload(collected);
}

function invalidFrameDelay(index) {
  const input = $("frame-list").children[index]?.querySelector(".frame-delay input");
  input?.setAttribute("aria-invalid", "true");
  return input ?? null;
}

function formData({ fields, captions }) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== "") data.append(name, String(value));
  for (const text of captions) data.append("caption", text);
  for (const frame of state.frames) data.append("photo", frame.file, frame.name);
  return data;
}

function upload(collected) {
  stopEstimate();
  const sent = { frames: frameCount(), fields: collected.fields };
  setBusy(true);
  $("result").hidden = true;
  const request = new XMLHttpRequest();
  request.open("POST", "/api/gifs");
  request.setRequestHeader("Accept", "application/json");
  request.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) showStatus(`Uploading ${humanBytes(e.loaded)} of ${humanBytes(e.total)}`, e.loaded / e.total);
  });
  request.upload.addEventListener("load", () => showStatus("Composing your GIF\u2026", null));
  request.addEventListener("load", () => finish(request, sent));
  request.addEventListener("error", () => {
    setBusy(false);
    $("status").hidden = true;
    showError("The connection failed before the GIF was ready. Check the network and try again.");
    $("error").focus();
  });
  showStatus(`Uploading 0 bytes of ${humanBytes(totalBytes())}`, 0);
  $("create").blur();
  request.send(formData(collected));
}

function finish(request, sent) {
  setBusy(false);
  $("status").hidden = true;
  const body = safe(() => JSON.parse(request.responseText), null);
  if (request.status === 201 && body) {
    showResult(body, sent);
    return;
  }
  const error = body?.error ?? { message: `The server answered ${request.status}.` };
  const message = inPageWords(error);
  const retry = request.getResponseHeader("Retry-After");
  showError(retry ? `${message} (Try again in ${retry} s.)` : message);
  if (error.field && FIELD_UI[error.field]) showFieldError(error.field, message);
  flagFrames(error.field);
  $("error").focus();
  announce(message);
}

export function setUpUpload() {
  $("maker").addEventListener("submit", (e) => { e.preventDefault(); create(); });
  // Ctrl+Enter (Cmd+Enter on a Mac) creates the GIF from anywhere on the page.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); create(); }
  });
}
