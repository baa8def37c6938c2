// Crop: draw a rectangle on the first frame (mouse, pen or touch), or type it in pixels; every
// frame keeps that region (the `crop` field: x,y,width,height in the first image's pixels).

import { $, state, changed, subscribe } from "./store.js";
import { FieldError, announce, pixels } from "./words.js";

const stage = $("crop-stage");
const image = $("crop-image");
const rect = $("crop-rect");
const inputs = { x: $("crop-x"), y: $("crop-y"), width: $("crop-w"), height: $("crop-h") };
let shownId = null;

// The field's value ("" for the whole image), or a FieldError naming the region's problem.
export function cropField() {
  if (!state.crop) return "";
  const first = state.frames[0];
  const { x, y, width, height } = state.crop;
  if (![x, y, width, height].every(Number.isInteger) || x < 0 || y < 0 || width < 1 || height < 1) {
    throw new FieldError("crop", "Crop must be whole numbers of pixels: a left and top of 0 or more, a width and height of at least 1.");
  }
  if (first && (x + width > first.width || y + height > first.height)) {
    throw new FieldError("crop", `Crop reaches outside the first frame (${pixels(first.width, first.height)}).`);
  }
  return `${x},${y},${width},${height}`;
}

function setCrop(crop, quiet = false) {
  state.crop = crop;
  show();
  changed("settings");
  if (!quiet) announce(crop ? `Crop: ${words(crop)}.` : "Crop removed: the whole image is kept.");
}

function words(crop) {
  return `${pixels(crop.width, crop.height)} from ${crop.x}, ${crop.y}`;
}

function show() {
  const first = state.frames[0];
  const crop = state.crop;
  $("crop-words").textContent = crop ? words(crop) : "whole image";
  for (const [key, input] of Object.entries(inputs)) {
    if (document.activeElement !== input) input.value = crop ? String(crop[key]) : "";
    input.placeholder = first ? String({ x: 0, y: 0, width: first.width, height: first.height }[key]) : "";
    input.max = first ? String(key === "x" || key === "width" ? first.width : first.height) : "";
    input.disabled = !first;
  }
  $("crop-reset").disabled = !crop;
  rect.hidden = !crop || !first;
  if (crop && first) {
    Object.assign(rect.style, {
      left: `${(100 * crop.x) / first.width}%`, top: `${(100 * crop.y) / first.height}%`,
      width: `${(100 * crop.width) / first.width}%`, height: `${(100 * crop.height) / first.height}%`,
    });
  }
  const problem = (() => { try { cropField(); return null; } catch (error) { return error.message; } })();
  Object.assign($("crop-error"), { hidden: !problem, textContent: problem ?? "" });
  Object.values(inputs).forEach((input) => input.toggleAttribute("aria-invalid", Boolean(problem)));
}

// The first frame changed: show it; a region that no longer fits it is dropped.
function followFirstFrame() {
  const first = state.frames[0];
  if ((first?.id ?? null) === shownId) return;
  const before = state.frames.find((f) => f.id === shownId);
  shownId = first?.id ?? null;
  stage.hidden = !first;
  if (first) {
    image.src = first.url;
    stage.style.aspectRatio = `${first.width} / ${first.height}`;
    stage.style.width = `min(100%, ${(14 * first.width) / first.height}rem)`; // at most 14rem high
  }
  const sameSize = before && first && before.width === first.width && before.height === first.height;
  if (state.crop && !sameSize) {
    setCrop(null, true);
    announce("The first frame changed: the crop was removed.");
  } else show();
}

// A point of the pointer on the first frame, in its pixels (clamped to the image).
function imagePoint(event) {
  const box = stage.getBoundingClientRect();
  const first = state.frames[0];
  const clamp = (v, max) => Math.min(max, Math.max(0, v));
  return {
    x: Math.round(clamp((event.clientX - box.left) / box.width, 1) * first.width),
    y: Math.round(clamp((event.clientY - box.top) / box.height, 1) * first.height),
  };
}

function startDraw(event) {
  if (!state.frames[0] || event.button !== 0) return;
  event.preventDefault();
  stage.setPointerCapture(event.pointerId);
  const start = imagePoint(event);
  const region = (e) => {
    const end = imagePoint(e);
    return { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), width: Math.abs(end.x - start.x), height: Math.abs(end.y - start.y) };
  };
  const move = (e) => {
    const r = region(e);
    if (r.width >= 1 && r.height >= 1) { state.crop = r; show(); }
  };
  const end = (e) => {
    stage.removeEventListener("pointermove", move);
    const r = region(e);
    if (r.width >= 2 && r.height >= 2) setCrop(r);
    else show();
  };
  stage.addEventListener("pointermove", move);
  stage.addEventListener("pointerup", end, { once: true });
  stage.addEventListener("pointercancel", () => { stage.removeEventListener("pointermove", move); show(); }, { once: true });
}

function typed() {
  const first = state.frames[0];
  if (!first) return;
  const read = (key, fallback) => (inputs[key].value.trim() === "" ? fallback : Number(inputs[key].value));
  const crop = { x: read("x", 0), y: read("y", 0), width: read("width", first.width), height: read("height", first.height) };
  const whole = crop.x === 0 && crop.y === 0 && crop.width === first.width && crop.height === first.height;
  state.crop = whole ? null : crop;
  show();
  changed("settings");
}

export function setUpCrop() {
  stage.addEventListener("pointerdown", startDraw);
  Object.values(inputs).forEach((input) => input.addEventListener("input", typed));
  $("crop-reset").addEventListener("click", () => setCrop(null));
  subscribe((what) => { if (what === "frames") followFirstFrame(); });
  followFirstFrame();
}
