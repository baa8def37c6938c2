// The settings: each field read and checked as the server checks it (messages name the field
// as the page labels it), the summary next to Create, and the live estimate.

import { $, limits, defaults, state, subscribe, frameCount } from "./store.js";
import { cropField } from "./crop.js";
import { FieldError, humanBytes, pixels, playsWords, plural, safe, seconds, sizeWords, wholeNumber } from "./words.js";

const form = $("maker");
const delayInput = $("delay");
const delayUnit = $("delay-unit");
const loopSelect = $("loop");
const loopCount = $("loop-count");
const widthSelect = $("width");
const widthCustom = $("width-custom");

// Each form field as the page labels it (server messages about a field are prefixed with it).
export const LABELS = {
  duration: "Delay per frame", durations: "Frame delays", loop: "Plays", width: "Width",
  colors: "Colours per frame", max_bytes: "Size limit", crop: "Crop", caption: "Captions",
  expand: "Use all frames", fit: "Fit", background: "Background", quality: "Quality",
};

export function globalDelayMs() {
  const raw = delayInput.value.trim();
  if (delayUnit.value === "fps") {
    const fps = Number(raw);
    const lowest = +(1000 / limits.max_duration_ms).toFixed(3);
    const highest = 1000 / limits.min_duration_ms;
    if (raw === "" || !Number.isFinite(fps) || fps < lowest || fps > highest) {
      throw new FieldError("duration", `The frame rate must be from ${lowest} to ${highest} fps (a delay of ${limits.min_duration_ms} to ${limits.max_duration_ms} ms).`);
    }
    return Math.round(1000 / fps);
  }
  return wholeNumber("duration", LABELS.duration, raw, limits.min_duration_ms, limits.max_duration_ms, "ms");
}

function loopValue() {
  if (loopSelect.value !== "custom") return Number(loopSelect.value);
  return wholeNumber("loop", "Number of plays", loopCount.value, 0, limits.max_loop, "plays");
}

function widthValue() {
  if (widthSelect.value !== "custom") return widthSelect.value;
  return String(wholeNumber("width", "Custom width", widthCustom.value, 1, limits.max_side, "px"));
}

function maxBytesValue() {
  const raw = $("max-kib").value.trim();
  if (raw === "") return "";
  return wholeNumber("max_bytes", LABELS.max_bytes, raw, 1, 1_000_000, "KiB") * 1024;
}

// One delay per frame of the GIF: a card's own, else (for an animated image's frames, when
// every frame is used) the file's, else the delay per frame.
export function frameDelays(globalMs) {
  const delays = [];
  state.frames.forEach((frame, index) => {
    let own = null;
    if (frame.delayMs !== null) {
      try {
        own = wholeNumber("durations", `The delay of frame ${index + 1}`, frame.delayMs, limits.min_duration_ms, limits.max_duration_ms, "ms");
      } catch (error) {
        error.frameIndex = index; // which card's delay to point at
        throw error;
      }
    }
    if (state.expand && frame.animation) {
      delays.push(...frame.animation.delaysMs.map((ms) => own ?? ms));
    } else delays.push(own ?? globalMs);
  });
  return delays;
}

// One caption per frame of the GIF (an animated image's caption on each of its frames).
function captions() {
  return state.frames.flatMap((frame) => Array(state.expand && frame.animation ? frame.animation.frames : 1).fill(frame.caption.trim()));
}

// Every field, checked as the server checks it: {fields, captions} or throws a FieldError.
export function collectFields() {
  const duration = globalDelayMs();
  const delays = frameDelays(duration);
  const fields = {
    duration, loop: loopValue(), fit: form.elements.fit.value, width: widthValue(),
    background: $("transparent").checked ? "transparent" : $("background").value,
    quality: $("quality").value,
    colors: wholeNumber("colors", LABELS.colors, $("colors").value, 2, 256, "colours"),
    max_bytes: maxBytesValue(), crop: cropField(),
  };
  if (state.expand && state.frames.some((f) => f.animation)) fields.expand = 1;
  if (fields.expand || state.frames.some((frame) => frame.delayMs !== null)) fields.durations = delays.join(",");
  const texts = captions();
  return { fields, delays, captions: texts.some(Boolean) ? texts : [] };
}

// The GIF's size as the server will choose it (gif.py: output_size), before any size limit.
export function expectedSize() {
  const first = state.frames[0];
  if (!first) return null;
  const base = state.crop ? [state.crop.width, state.crop.height] : [first.width, first.height];
  const width = Number(safe(widthValue, "")) || base[0];
  const height = Math.max(1, Math.round((base[1] * width) / base[0]));
  const scale = Math.min(1, limits.max_side / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

export function summarise() {
  $("loop-words").textContent = `The animation plays ${playsWords(safe(loopValue, 0))}.`;
  const ms = safe(globalDelayMs, null);
  $("delay-hint").textContent = delayUnit.value === "fps" && ms !== null
    ? `${ms} ms per frame. Each frame can have its own delay.`
    : `${limits.min_duration_ms} to ${limits.max_duration_ms} ms; each frame can have its own.`;
  $("create-summary").textContent = summaryWords(ms);
  $("create").disabled = state.frames.length === 0 || state.busy;
  showPlaceholders();
  scheduleEstimate();
}

// A card's blank delay shows the delay it will get; the see-through notes show on transparent.
function showPlaceholders() {
  const ms = safe(globalDelayMs, defaults.duration_ms);
  document.querySelectorAll(".frame-delay input").forEach((input) => { input.placeholder = String(ms); });
  $("frame-list").classList.toggle("transparent", $("transparent").checked);
}

function summaryWords(ms) {
  if (state.frames.length === 0) return "Add at least one image to create a GIF.";
  if (ms === null) return `Check ${LABELS.duration.toLowerCase()}.`;
  let delays;
  try { delays = frameDelays(ms); } catch (error) {
    return error.frameIndex === undefined ? "Check the delays." : `Check the delay of frame ${error.frameIndex + 1}.`;
  }
  const total = delays.reduce((a, b) => a + b, 0);
  return `${plural(frameCount(), "frame")}, ${seconds(total)} per play, plays ${playsWords(safe(loopValue, 0))}.`;
}

// ---------------------------------------------------------------- the estimate

// The server composes the first few images and extrapolates (POST /api/estimate); the page asks
// again a moment after the frames or settings stop changing, and never while creating. The
// estimate is of the GIF as set; with a size limit, the page says what the limit will change
// (sizing.py: fewer colours for a small overshoot, fewer pixels for a large one).
const ESTIMATE_SAMPLE = 3;
const ESTIMATE_MAX_BYTES = 8 * 1024 * 1024;
const COLOUR_CUT_OVERSHOOT = 1.25;
let estimateTimer = null;
let estimateRequest = null;
export let lastEstimate = null;

// While a new estimate is on its way the line says so (it never vanishes under the pointer).
export function scheduleEstimate() {
  clearTimeout(estimateTimer);
  estimateRequest?.abort();
  Object.assign($("estimate"), { hidden: state.frames.length === 0, textContent: "Estimating the size\u2026" });
  lastEstimate = null;
  estimateTimer = setTimeout(requestEstimate, 600);
}

function noEstimate(why) {
  Object.assign($("estimate"), { hidden: false, textContent: why });
}

export function stopEstimate() {
  clearTimeout(estimateTimer);
  estimateRequest?.abort();
  if (!lastEstimate) $("estimate").hidden = true; // no "Estimating" left behind: it is made
}

function requestEstimate() {
  const sample = state.frames.slice(0, ESTIMATE_SAMPLE);
  if (state.busy || sample.length === 0) return;
  if (sample.reduce((s, f) => s + f.size, 0) > ESTIMATE_MAX_BYTES) { noEstimate("No estimate: the first images are large."); return; }
  let collected;
  try { collected = collectFields(); } catch { noEstimate("No estimate until the settings are fixed."); return; }
  const { fields } = collected;
  const maxBytes = fields.max_bytes;
  delete fields.max_bytes; // the estimate is of the GIF as set; the limit is applied below
  delete fields.expand; // the sample's images stand for every frame (`frames` counts them)
  const data = new FormData();
  for (const [name, value] of Object.entries({ ...fields, frames: frameCount() })) if (value !== "") data.append(name, String(value));
  for (const frame of sample) data.append("photo", frame.file, frame.name);
  const request = new XMLHttpRequest();
  estimateRequest = request;
  request.open("POST", "/api/estimate");
  request.addEventListener("load", () => {
    const guess = safe(() => JSON.parse(request.responseText), null);
    if (state.busy) return;
    if (request.status !== 200 || !guess) { noEstimate("No estimate for these images."); return; }
    lastEstimate = guess;
    Object.assign($("estimate"), { hidden: false, textContent: estimateWords(guess, maxBytes) });
  });
  request.send(data);
}

function estimateWords(guess, maxBytes) {
  const time = guess.seconds < 1 ? "under a second" : `about ${Math.round(guess.seconds)} s`;
  const asSet = `About ${humanBytes(guess.bytes)}, ${pixels(guess.width, guess.height)}`;
  if (!maxBytes || guess.bytes <= maxBytes) {
    const fits = maxBytes ? `, within the ${sizeWords(maxBytes)} limit` : "";
    return `${asSet}${fits}, ready in ${time}.`;
  }
  const overshoot = guess.bytes / maxBytes;
  if (overshoot <= COLOUR_CUT_OVERSHOOT) {
    return `${asSet} as set; to fit ${sizeWords(maxBytes)} it gets fewer colours. Ready in ${time} or a little more.`;
  }
  const scale = Math.min(0.9, 0.95 / Math.sqrt(overshoot));
  const size = pixels(Math.round(guess.width * scale), Math.round(guess.height * scale));
  return `${asSet} as set; to fit ${sizeWords(maxBytes)} it will be about ${size}. Ready in ${time} or a little more.`;
}

export function setUpSettings() {
  delayUnit.hidden = false;
  loopSelect.append(Object.assign(document.createElement("option"), { value: "custom", textContent: "Another number\u2026" }));
  widthSelect.append(Object.assign(document.createElement("option"), { value: "custom", textContent: "Custom\u2026" }));
  delayUnit.addEventListener("change", () => {
    const value = Number(delayInput.value);
    if (value > 0) delayInput.value = delayUnit.value === "fps" ? +(1000 / value).toFixed(2) : Math.round(1000 / value);
    Object.assign(delayInput, delayUnit.value === "fps"
      ? { min: +(1000 / limits.max_duration_ms).toFixed(3), max: 1000 / limits.min_duration_ms, step: "any" }
      : { min: limits.min_duration_ms, max: limits.max_duration_ms, step: 10 });
    summarise();
  });
  loopSelect.addEventListener("change", () => { loopCount.hidden = loopSelect.value !== "custom"; summarise(); });
  widthSelect.addEventListener("change", () => { widthCustom.hidden = widthSelect.value !== "custom"; summarise(); });
  for (const control of [$("quality"), $("colors"), $("max-kib"), widthSelect, $("background"), $("transparent")]) {
    control.addEventListener("change", summarise);
  }
  form.elements.fit.forEach((radio) => radio.addEventListener("change", summarise));
  for (const input of [delayInput, loopCount, widthCustom, $("colors"), $("max-kib")]) {
    input.addEventListener("input", () => { input.removeAttribute("aria-invalid"); summarise(); });
  }
  subscribe((what) => { if (what === "busy") showPlaceholders(); else summarise(); });
}
