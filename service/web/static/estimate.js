// The live estimate next to Create: the size and time of the GIF as set, and with a size limit,
// what the limit will change.

import { $, config, state, frameCount } from "./store.js";
import { collectFields } from "./settings.js";
import { humanBytes, pixels, safe, sizeWords } from "./words.js";

// The server composes a few images spread over the frames and extrapolates (POST
// /api/estimate); the page asks again a moment after the frames or settings stop changing, and
// never while creating. The estimate is of the GIF as set; with a size limit, the page says what
// the limit will change (sizing.py: fewer colours for a small overshoot, fewer pixels for a
// large one).
const COLOUR_CUT_OVERSHOOT = 1.25;
let estimateTimer = null;
let estimateRequest = null;
let lastEstimate = null;

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

// The images an estimate is made from, as service/compose/estimate.py's sample_for picks them:
// the first, the last and evenly between (rounded half up), as many as fit the sample's bytes.
function sampleFor(frames) {
  const { sample_frames: most, sample_bytes: room } = config.estimate;
  for (let count = most; count > 1; count -= 1) {
    const at = spread(frames.length, count);
    if (at.reduce((sum, i) => sum + frames[i].size, 0) <= room) return at;
  }
  return spread(frames.length, 1);
}

function spread(total, most) {
  if (total <= most || most < 2) return [...Array(Math.min(total, Math.max(most, 1))).keys()];
  const gaps = most - 1;
  return Array.from({ length: most }, (_, i) => Math.floor((2 * i * (total - 1) + gaps) / (2 * gaps)));
}

function requestEstimate() {
  const at = sampleFor(state.frames);
  const sample = at.map((i) => state.frames[i]);
  if (state.busy || sample.length === 0) return;
  if (sample.reduce((s, f) => s + f.size, 0) > config.estimate.sample_bytes) { noEstimate("No estimate: the first image is large."); return; }
  let collected;
  try { collected = collectFields(); } catch { noEstimate("No estimate until the settings are fixed."); return; }
  const { fields } = collected;
  const maxBytes = fields.max_bytes;
  delete fields.max_bytes; // the estimate is of the GIF as set; the limit is applied below
  delete fields.expand; // the sample's images stand for every frame (`frames` counts them)
  // Each image's place among the frames (an animation before it may give many, with expand).
  const positions = at.map((i) => frameCount(state.frames.slice(0, i))).join(",");
  const data = new FormData();
  for (const [name, value] of Object.entries({ ...fields, frames: frameCount(), positions })) if (value !== "") data.append(name, String(value));
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
