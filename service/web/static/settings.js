// The settings: each field read and checked as the server checks it (messages name the field
// as the page labels it), the summary next to Create, and the live estimate.

import { $, limits, defaults, state, subscribe, frameCount } from "./store.js";
import { captionFields } from "./captions.js";
import { cropField } from "./crop.js";
import { scheduleEstimate } from "./estimate.js";
import { FieldError, playsWords, plural, safe, seconds, wholeNumber } from "./words.js";

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

// Every field, checked as the server checks it: {fields, captions} or throws a FieldError.
export function collectFields() {
  const duration = globalDelayMs();
  const delays = frameDelays(duration);
  const fields = {
    duration, loop: loopValue(), fit: form.elements.fit.value, width: widthValue(),
    background: $("transparent").checked ? "transparent" : $("background").value,
    quality: $("quality").value,
    colors: wholeNumber("colors", LABELS.colors, $("colors").value, limits.min_colors, limits.max_colors, "colours"),
    max_bytes: maxBytesValue(), crop: cropField(),
  };
  if (state.expand && state.frames.some((f) => f.animation)) fields.expand = 1;
  if (fields.expand || state.frames.some((frame) => frame.delayMs !== null)) fields.durations = delays.join(",");
  return { fields, delays, captions: captionFields() };
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
