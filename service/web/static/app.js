// gifsvc's page: pick, check and arrange frames, then upload them with progress and show the GIF.
// Without this script the page is a plain form posting to /gif, and that works too.
// Every limit and message mirrors the server's (service/limits.py, options.py, uploads.py), so
// the page refuses exactly what the server would, in the same words.

const config = JSON.parse(document.body.dataset.config);
const { limits, defaults } = config;
const MIB = 1024 * 1024;
// service/formats.py: the DIB header sizes Pillow's BMP decoder knows.
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const SNIFF_BYTES = 18;

const $ = (id) => document.getElementById(id);
const form = $("maker");
const list = $("frame-list");
const fileInput = $("photo");
const delayInput = $("delay");
const delayUnit = $("delay-unit");
const loopSelect = $("loop");
const loopCount = $("loop-count");
const widthSelect = $("width");
const widthCustom = $("width-custom");
const createButton = $("create");
const progress = $("progress");

const state = { frames: [], nextId: 1, busy: false };

// ---------------------------------------------------------------- words and numbers

// service/units.py: a byte limit as a person reads it.
function sizeWords(size) {
  if (size >= MIB) return size % MIB === 0 ? `${size / MIB} MiB` : `${(size / MIB).toFixed(1)} MiB`;
  if (size >= 1024) return `${Math.round(size / 1024)} KiB`;
  return `${size} bytes`;
}

function humanBytes(size) {
  if (size < 1024) return `${size} bytes`;
  if (size < MIB) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / MIB).toFixed(1)} MiB`;
}

function playsWords(loop) {
  if (loop === 0) return "forever";
  if (loop === 1) return "once";
  if (loop === 2) return "twice";
  return `${loop} times`;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function announce(message) {
  const announcer = $("announcer");
  announcer.textContent = "";
  requestAnimationFrame(() => { announcer.textContent = message; });
}

// options.py's rule for whole numbers, and its message.
function wholeNumber(field, raw, lowest, highest, unit) {
  const text = String(raw).trim();
  if (!/^\+?[0-9]{1,9}$/.test(text) || +text < lowest || +text > highest) {
    throw new FieldError(field, `${field} must be a whole number of ${unit} from ${lowest} to ${highest}, not '${text}'.`);
  }
  return +text;
}

class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}

// ---------------------------------------------------------------- checking files

async function sniff(file) {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const bytes = (at, ...values) => values.every((v, i) => head[at + i] === v);
  const ascii = (at, text) => bytes(at, ...[...text].map((c) => c.charCodeAt(0)));
  if (head.length === 0) return "empty";
  if (bytes(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "PNG";
  if (bytes(0, 0xff, 0xd8, 0xff)) return "JPEG";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "GIF";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "WEBP";
  const dib = head[14] | (head[15] << 8) | (head[16] << 16) | (head[17] << 24);
  if (ascii(0, "BM") && BMP_HEADER_SIZES.has(dib)) return "BMP";
  return null;
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = url;
  });
}

function totalBytes(frames = state.frames) {
  return frames.reduce((sum, frame) => sum + frame.size, 0);
}

// What the server would refuse about a set of frames as a whole; null when fine.
function frameSetProblem(frames) {
  if (frames.length > limits.max_files) return `At most ${limits.max_files} images can be uploaded at once.`;
  if (totalBytes(frames) > limits.max_request_bytes) return `The upload is larger than ${sizeWords(limits.max_request_bytes)} in all.`;
  return null;
}

// A frame for the file, or the server's message for why it would be refused.
async function checkFile(file) {
  const name = file.name || "image";
  const format = await sniff(file);
  if (format === "empty") return { refused: `${name} is empty.` };
  if (format === null) return { refused: `${name} is not a PNG, JPEG, GIF, WebP or BMP image.` };
  if (file.size > limits.max_file_bytes) return { refused: `${name} is larger than ${sizeWords(limits.max_file_bytes)}.` };
  const url = URL.createObjectURL(file);
  try {
    const image = await loadImage(url);
    const pixels = image.naturalWidth * image.naturalHeight;
    if (pixels > limits.max_pixels) {
      URL.revokeObjectURL(url);
      return { refused: `${name} has more than ${limits.max_pixels.toLocaleString("en-US")} pixels.` };
    }
    return { frame: { id: state.nextId++, file, name, size: file.size, url, width: image.naturalWidth, height: image.naturalHeight, delayMs: null } };
  } catch {
    URL.revokeObjectURL(url);
    return { refused: `${name} could not be decoded: the file is truncated or corrupt.` };
  }
}

async function addFiles(files) {
  const refused = [];
  for (const file of files) {
    const { frame, refused: why } = await checkFile(file);
    if (why) { refused.push(why); continue; }
    const problem = frameSetProblem([...state.frames, frame]);
    if (problem) { refused.push(`${frame.name} was not added: ${problem}`); URL.revokeObjectURL(frame.url); continue; }
    state.frames.push(frame);
  }
  showRefused(refused);
  render();
  const added = files.length - refused.length;
  announce(`${plural(added, "frame")} added${refused.length ? `, ${refused.length} not added` : ""}. ${plural(state.frames.length, "frame")} in all.`);
}

function showRefused(messages) {
  const box = $("refused");
  $("refused-list").replaceChildren(...messages.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  box.hidden = messages.length === 0;
}

// ---------------------------------------------------------------- arranging frames

function moveFrame(from, to) {
  if (to < 0 || to >= state.frames.length || from === to) return false;
  const [frame] = state.frames.splice(from, 1);
  state.frames.splice(to, 0, frame);
  render();
  announce(`${frame.name} moved to position ${to + 1} of ${state.frames.length}.`);
  return true;
}

function cloneFrame(frame) {
  return { ...frame, id: state.nextId++ };
}

// Replace the frames if the server would take the result; say why not otherwise.
function arrange(frames, message) {
  const problem = frameSetProblem(frames);
  if (problem) { announce(problem); showRefused([problem]); return; }
  const kept = new Set(frames.map((f) => f.url));
  for (const frame of state.frames) if (!kept.has(frame.url)) URL.revokeObjectURL(frame.url);
  state.frames = frames;
  render();
  announce(message);
}

const actions = {
  reverse: () => arrange([...state.frames].reverse(), "Frames reversed."),
  sort: () => arrange(
    [...state.frames].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: "base" })),
    "Frames sorted by file name.",
  ),
  pingpong: () => {
    if (state.frames.length < 3) { announce("Ping-pong needs at least 3 frames."); return; }
    const back = state.frames.slice(1, -1).reverse().map(cloneFrame);
    arrange([...state.frames, ...back], `Added ${plural(back.length, "frame")} in reverse: the animation now plays back and forth.`);
  },
  clear: () => arrange([], "All frames removed."),
};

function frameAction(op, index) {
  const frame = state.frames[index];
  if (op === "duplicate") {
    const frames = [...state.frames];
    frames.splice(index + 1, 0, cloneFrame(frame));
    arrange(frames, `Frame ${index + 1} duplicated.`);
    focusFrame(index + 1, "[data-op=duplicate]");
  } else if (op === "remove") {
    arrange(state.frames.filter((_, i) => i !== index), `${frame.name} removed.`);
    focusFrame(Math.min(index, state.frames.length - 1), "[data-op=remove]");
  }
}

function focusFrame(index, selector) {
  const item = list.children[index];
  (item ? item.querySelector(selector) : $("photo"))?.focus();
}

// Dragging by the handle, with pointer events: mouse, pen and touch alike.
function startDrag(event, index) {
  if (event.button !== 0) return;
  event.preventDefault();
  const item = list.children[index];
  const box = item.getBoundingClientRect();
  const ghost = item.cloneNode(true);
  Object.assign(ghost.style, { width: `${box.width}px`, left: `${box.left}px`, top: `${box.top}px` });
  ghost.classList.add("ghost");
  ghost.setAttribute("aria-hidden", "true");
  document.body.append(ghost);
  item.classList.add("dragging");
  const grab = { x: event.clientX - box.left, y: event.clientY - box.top };
  const targetAt = (x, y) => {
    const over = document.elementFromPoint(x, y)?.closest(".frame");
    return over && over.parentElement === list ? [...list.children].indexOf(over) : -1;
  };
  const onMove = (e) => {
    ghost.style.left = `${e.clientX - grab.x}px`;
    ghost.style.top = `${e.clientY - grab.y}px`;
    const target = targetAt(e.clientX, e.clientY);
    [...list.children].forEach((li, i) => li.classList.toggle("drop-target", i === target && i !== index));
  };
  const finish = (e, drop) => {
    window.removeEventListener("pointermove", onMove);
    ghost.remove();
    item.classList.remove("dragging");
    const target = drop ? targetAt(e.clientX, e.clientY) : -1;
    if (target < 0 || !moveFrame(index, target)) render();
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", (e) => finish(e, true), { once: true });
  window.addEventListener("pointercancel", (e) => finish(e, false), { once: true });
}

const MOVES = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 };

function onHandleKey(event, index) {
  let to = null;
  if (event.key in MOVES) to = index + MOVES[event.key];
  else if (event.key === "Home") to = 0;
  else if (event.key === "End") to = state.frames.length - 1;
  if (to === null) return;
  event.preventDefault();
  if (moveFrame(index, to)) list.children[to].querySelector(".handle").focus();
}

// ---------------------------------------------------------------- drawing the frames

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function frameItem(frame, index) {
  const position = `Frame ${index + 1}`;
  const handle = element("button", {
    type: "button", className: "handle", title: "Drag, or use the arrow keys, to move this frame",
    ariaLabel: `Move ${position.toLowerCase()}, ${frame.name}`,
  });
  handle.innerHTML = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M9 5h2v2H9zm4 0h2v2h-2zM9 11h2v2H9zm4 0h2v2h-2zm-4 6h2v2H9zm4 0h2v2h-2z"/></svg>';
  handle.addEventListener("pointerdown", (e) => startDrag(e, index));
  handle.addEventListener("keydown", (e) => onHandleKey(e, index));

  const delay = element("input", {
    type: "number", inputMode: "numeric", min: limits.min_duration_ms, max: limits.max_duration_ms, step: 10,
    value: frame.delayMs ?? "", placeholder: String(globalDelayOrDefault()), ariaLabel: `Delay of ${position.toLowerCase()} in ms (blank: the global delay)`,
  });
  delay.addEventListener("change", () => {
    frame.delayMs = delay.value.trim() === "" ? null : delay.value.trim();
    delay.removeAttribute("aria-invalid");
    summarise();
  });

  const [duplicate, remove] = ["duplicate", "remove"].map((op) => {
    const label = op[0].toUpperCase() + op.slice(1);
    const button = element("button", { type: "button", textContent: label, ariaLabel: `${label} ${position.toLowerCase()}` });
    button.dataset.op = op;
    button.addEventListener("click", () => frameAction(op, index));
    return button;
  });

  const item = element("li", { className: "frame" },
    element("div", { className: "thumb" },
      element("img", { src: frame.url, alt: "", loading: "lazy", decoding: "async" }),
      element("span", { className: "badge", textContent: String(index + 1), ariaHidden: "true" }),
      handle),
    element("div", { className: "frame-info" },
      element("div", { className: "frame-name", textContent: frame.name, title: frame.name }),
      element("div", { className: "frame-meta", textContent: `${frame.width} × ${frame.height} · ${humanBytes(frame.size)}` }),
      element("label", { className: "frame-delay" }, "Delay", delay, "ms"),
      element("div", { className: "frame-actions" }, duplicate, remove)));
  item.dataset.name = frame.name;
  return item;
}

function render() {
  list.replaceChildren(...state.frames.map(frameItem));
  list.hidden = state.frames.length === 0;
  document.querySelectorAll(".toolbar button").forEach((b) => { b.disabled = state.frames.length === 0 || state.busy; });
  const count = state.frames.length;
  $("frames-summary").textContent = count
    ? `${plural(count, "frame")} · ${humanBytes(totalBytes())} · at most ${limits.max_files}`
    : "Add images in the order they should play.";
  summarise();
}

// ---------------------------------------------------------------- settings

function globalDelayOrDefault() {
  try { return globalDelayMs(); } catch { return defaults.duration_ms; }
}

function globalDelayMs() {
  const raw = delayInput.value.trim();
  if (delayUnit.value === "fps") {
    const fps = Number(raw);
    const lowest = +(1000 / limits.max_duration_ms).toFixed(3);
    const highest = 1000 / limits.min_duration_ms;
    if (raw === "" || !Number.isFinite(fps) || fps < lowest || fps > highest) {
      throw new FieldError("duration", `The frame rate must be from ${lowest} to ${highest} fps (a delay of ${limits.min_duration_ms} to ${limits.max_duration_ms} ms), not '${raw}'.`);
    }
    return Math.round(1000 / fps);
  }
  return wholeNumber("duration", raw, limits.min_duration_ms, limits.max_duration_ms, "milliseconds");
}

function coloursValue() {
  return wholeNumber("colors", $("colors").value, limits.min_colors, limits.max_colors, "colours");
}

function maxBytesValue() {
  const raw = $("max-kib").value.trim();
  if (raw === "") return "";
  return wholeNumber("max_bytes", raw, 1, 1_000_000, "KiB") * 1024;
}

function loopValue() {
  if (loopSelect.value !== "custom") return Number(loopSelect.value);
  return wholeNumber("loop", loopCount.value, 0, limits.max_loop, "plays (0 for forever)");
}

function widthValue() {
  if (widthSelect.value !== "custom") return widthSelect.value;
  return String(wholeNumber("width", widthCustom.value, 1, limits.max_side, "pixels (the maximum side)"));
}

function frameDelays(globalMs) {
  return state.frames.map((frame, index) => {
    if (frame.delayMs === null) return globalMs;
    try {
      return wholeNumber("durations", frame.delayMs, limits.min_duration_ms, limits.max_duration_ms, "milliseconds");
    } catch (error) {
      error.frameIndex = index; // which frame's delay to point at
      throw error;
    }
  });
}

const FIELD_UI = {
  duration: [delayInput, "delay-error"], loop: [loopCount, "loop-error"], width: [widthCustom, "width-error"],
  colors: [$("colors"), "colors-error"], max_bytes: [$("max-kib"), "max-kib-error"],
};

function showFieldError(field, message) {
  const [input, errorId] = FIELD_UI[field] ?? [null, null];
  if (!input) return null;
  input.setAttribute("aria-invalid", "true");
  Object.assign($(errorId), { textContent: message, hidden: false });
  return input;
}

function clearFieldErrors() {
  for (const [input, errorId] of Object.values(FIELD_UI)) {
    input.removeAttribute("aria-invalid");
    Object.assign($(errorId), { textContent: "", hidden: true });
  }
  list.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
}

// Every field, checked as the server checks it: {fields} or throws a FieldError.
function collectFields() {
  const duration = globalDelayMs();
  const delays = frameDelays(duration);
  const fields = { duration, loop: loopValue(), fit: form.elements.fit.value, width: widthValue(),
    background: $("transparent").checked ? "transparent" : $("background").value,
    quality: $("quality").value, colors: coloursValue(), max_bytes: maxBytesValue() };
  if (state.frames.some((frame) => frame.delayMs !== null)) fields.durations = delays.join(",");
  return { fields, delays };
}

function summarise() {
  const words = `The animation plays ${playsWords(safe(loopValue, 0))}.`;
  $("loop-words").textContent = words;
  const ms = safe(globalDelayMs, null);
  $("delay-hint").textContent = delayUnit.value === "fps" && ms !== null
    ? `${ms} ms per frame. Each frame can have its own delay.`
    : `${limits.min_duration_ms} to ${limits.max_duration_ms} ms; each frame can have its own.`;
  const count = state.frames.length;
  const delays = safe(() => frameDelays(ms ?? defaults.duration_ms), []);
  const seconds = delays.reduce((a, b) => a + b, 0) / 1000;
  $("create-summary").textContent = count
    ? `${plural(count, "frame")}, ${seconds.toFixed(seconds < 10 ? 2 : 1)} s per play, plays ${playsWords(safe(loopValue, 0))}.`
    : "Add at least one image to create a GIF.";
  createButton.disabled = count === 0 || state.busy;
  scheduleEstimate();
  list.querySelectorAll(".frame-delay input").forEach((input) => { input.placeholder = String(ms ?? defaults.duration_ms); });
}

function safe(read, fallback) {
  try { return read(); } catch { return fallback; }
}

// ---------------------------------------------------------------- estimating before creating

// The server composes the first few frames and extrapolates (POST /api/estimate); the page asks
// again, a moment after the frames or settings stop changing, and never while creating.
const ESTIMATE_SAMPLE = 3;
const ESTIMATE_MAX_BYTES = 8 * MIB;
let estimateTimer = null;
let estimateRequest = null;

function scheduleEstimate() {
  clearTimeout(estimateTimer);
  estimateRequest?.abort();
  $("estimate").hidden = true;
  estimateTimer = setTimeout(requestEstimate, 700);
}

function requestEstimate() {
  const sample = state.frames.slice(0, ESTIMATE_SAMPLE);
  if (state.busy || sample.length === 0 || totalBytes(sample) > ESTIMATE_MAX_BYTES) return;
  let fields;
  try { fields = collectFields().fields; } catch { return; }
  delete fields.max_bytes; // the estimate is of the GIF as set, before any size search
  const data = formData({ ...fields, frames: state.frames.length }, sample);
  const request = new XMLHttpRequest();
  estimateRequest = request;
  request.open("POST", "/api/estimate");
  request.addEventListener("load", () => {
    const guess = safe(() => JSON.parse(request.responseText), null);
    if (request.status !== 200 || !guess || state.busy) return;
    const seconds = guess.seconds < 1 ? "under a second" : `about ${Math.round(guess.seconds)} s`;
    Object.assign($("estimate"), { hidden: false,
      textContent: `About ${humanBytes(guess.bytes)}, ${guess.width} × ${guess.height} px, ready in ${seconds}.` });
  });
  request.send(data);
}

// ---------------------------------------------------------------- creating the GIF

function setBusy(busy) {
  state.busy = busy;
  form.setAttribute("aria-busy", String(busy));
  render();
}

function showStatus(text, fraction) {
  $("status").hidden = false;
  $("status-text").textContent = text;
  if (fraction === null) progress.removeAttribute("value");
  else progress.value = Math.round(fraction * 100);
}

function showError(message, title = "The GIF could not be made.") {
  const box = $("error");
  box.replaceChildren(element("strong", { textContent: title }), " ", message);
  box.hidden = false;
}

function flagFrames(name) {
  [...list.children].forEach((li) => li.classList.toggle("flagged", Boolean(name) && li.dataset.name === name));
}

function create() {
  $("error").hidden = true;
  clearFieldErrors();
  flagFrames(null);
  let collected;
  try {
    if (state.frames.length === 0) throw new FieldError("photo", "No images were uploaded: pick at least one file.");
    const problem = frameSetProblem(state.frames);
    if (problem) throw new FieldError("photo", problem);
    collected = collectFields();
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    const input = error.frameIndex === undefined
      ? showFieldError(error.field, error.message) : invalidFrameDelay(error.frameIndex);
    showError(error.message, "Please check the form.");
    (input ?? fileInput).focus();
    return;
  }
  upload(collected.fields);
}

function invalidFrameDelay(index) {
  const input = list.children[index]?.querySelector(".frame-delay input");
  input?.setAttribute("aria-invalid", "true");
  return input ?? null;
}

function formData(fields, frames = state.frames) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== "") data.append(name, String(value));
  for (const frame of frames) data.append("photo", frame.file, frame.name);
  return data;
}

function upload(fields) {
  clearTimeout(estimateTimer);
  estimateRequest?.abort();
  setBusy(true);
  $("result").hidden = true;
  const request = new XMLHttpRequest();
  request.open("POST", "/api/gifs");
  request.setRequestHeader("Accept", "application/json");
  request.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    showStatus(`Uploading ${humanBytes(e.loaded)} of ${humanBytes(e.total)}`, e.loaded / e.total);
  });
  request.upload.addEventListener("load", () => showStatus("Composing your GIF…", null));
  request.addEventListener("load", () => finishUpload(request));
  request.addEventListener("error", () => {
    setBusy(false);
    $("status").hidden = true;
    showError("The connection failed before the GIF was ready. Check the network and try again.");
  });
  showStatus(`Uploading 0 bytes of ${humanBytes(totalBytes())}`, 0);
  request.send(formData(fields));
}

function finishUpload(request) {
  setBusy(false);
  $("status").hidden = true;
  const body = safe(() => JSON.parse(request.responseText), null);
  if (request.status === 201 && body) { showResult(body); return; }
  const error = body?.error ?? { message: `The server answered ${request.status}.` };
  const retry = request.getResponseHeader("Retry-After");
  showError(retry ? `${error.message} (Try again in ${retry} s.)` : error.message);
  if (error.field && FIELD_UI[error.field]) showFieldError(error.field, error.message);
  flagFrames(error.field);
  announce(error.message);
}

function showResult(gif) {
  const link = new URL(gif.url, window.location.href).href;
  const preview = $("result-preview");
  Object.assign(preview, { src: `${gif.url}?inline=1`, width: gif.width, height: gif.height,
    alt: `Your animated GIF: ${plural(gif.frames, "frame")}, ${gif.width} by ${gif.height} pixels` });
  $("result-frames").textContent = String(gif.frames);
  $("result-size").textContent = `${gif.width} × ${gif.height} px`;
  $("result-bytes").textContent = humanBytes(gif.bytes);
  $("result-plays").textContent = playsWords(gif.loop);
  const expires = new Date(gif.expires_at);
  const hours = Math.round((expires - Date.now()) / 3600000);
  $("result-expires").textContent = `${expires.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })} (in ${plural(hours, "hour")})`;
  $("result-download").href = gif.url;
  Object.assign($("result-link"), { href: link, textContent: link });
  showRefused([]);
  $("result-copy").dataset.link = link;
  $("copy-status").textContent = "";
  const result = $("result");
  result.hidden = false;
  result.focus();
  result.scrollIntoView({ behavior: "smooth", block: "start" });
  announce(`Your GIF is ready: ${plural(gif.frames, "frame")}, ${humanBytes(gif.bytes)}.`);
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

// ---------------------------------------------------------------- wiring

function enhance() {
  document.documentElement.classList.add("js");
  delayUnit.hidden = false;
  loopSelect.append(element("option", { value: "custom", textContent: "Another number…" }));
  widthSelect.append(element("option", { value: "custom", textContent: "Custom…" }));
  fileInput.removeAttribute("name"); // the script sends the frames itself, in the chosen order

  fileInput.addEventListener("change", () => { addFiles([...fileInput.files]); fileInput.value = ""; });
  const zone = $("dropzone");
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  document.addEventListener("dragover", (e) => { if (hasFiles(e)) { e.preventDefault(); zone.classList.add("over"); } });
  document.addEventListener("dragleave", (e) => { if (e.relatedTarget === null) zone.classList.remove("over"); });
  document.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.remove("over");
    addFiles([...e.dataTransfer.files]);
  });

  document.querySelectorAll(".toolbar [data-action]").forEach((b) => b.addEventListener("click", () => actions[b.dataset.action]()));
  $("dismiss-refused").addEventListener("click", () => showRefused([]));
  delayUnit.addEventListener("change", () => {
    const value = Number(delayInput.value);
    if (value > 0) delayInput.value = delayUnit.value === "fps" ? +(1000 / value).toFixed(2) : Math.round(1000 / value);
    Object.assign(delayInput, delayUnit.value === "fps"
      ? { min: +(1000 / limits.max_duration_ms).toFixed(3), max: 1000 / limits.min_duration_ms, step: "any" }
      : { min: limits.min_duration_ms, max: limits.max_duration_ms, step: 10 });
    summarise();
  });
  loopSelect.addEventListener("change", () => { loopCount.hidden = loopSelect.value !== "custom"; summarise(); });
  widthSelect.addEventListener("change", () => { widthCustom.hidden = widthSelect.value !== "custom"; });
  for (const control of [$("quality"), $("colors"), $("max-kib"), widthSelect, $("background"), $("transparent")]) {
    control.addEventListener("change", summarise);
  }
  form.elements.fit.forEach((radio) => radio.addEventListener("change", summarise));
  for (const input of [delayInput, loopCount, widthCustom, $("colors"), $("max-kib")]) {
    input.addEventListener("input", () => { input.removeAttribute("aria-invalid"); summarise(); });
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); if (!state.busy) create(); });
  $("result-copy").addEventListener("click", copyLink);
  render();
}

enhance();
