// Checking files as the server would (service/compose/formats.py, uploads.py, images.py), and
// reading what a card needs to say about them: animation frames and delays, see-through pixels.

import { limits, state, frameCount, totalBytes } from "./store.js";
import { sizeWords } from "./words.js";

// service/compose/formats.py: the DIB header sizes Pillow's BMP decoder knows.
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const SNIFF_BYTES = 18;
// images.py: browsers play a delay under 20 ms as 100 ms, and so does the GIF.
const SHORTEST_PLAYED_MS = 20;
const PLAYED_INSTEAD_MS = 100;

// Why a file was not added: one line per reason on the page, with a count.
export const REASONS = {
  empty: "Empty files",
  format: "Not a PNG, JPEG, GIF, WebP or BMP image",
  bytes: () => `Larger than ${sizeWords(limits.max_file_bytes)}`,
  pixels: () => `More than ${limits.max_pixels.toLocaleString("en-US")} pixels`,
  corrupt: "Could not be decoded (truncated or corrupt)",
  count: () => `Past the limit of ${limits.max_files} frames at once`,
  total: () => `Past the limit of ${sizeWords(limits.max_request_bytes)} in all`,
};

export function reasonWords(reason) {
  const words = REASONS[reason];
  return typeof words === "function" ? words() : words;
}

function sniff(head) {
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

export function playedDelay(ms) {
  return ms >= SHORTEST_PLAYED_MS ? Math.min(Math.round(ms), limits.max_duration_ms) : PLAYED_INSTEAD_MS;
}

// ---------------------------------------------------------------- animations

// GIF: count the image descriptors and read each one's delay from its graphic control block.
function gifDelays(b) {
  const delays = [];
  let at = 13;
  if (b[10] & 0x80) at += 3 * (1 << ((b[10] & 7) + 1));
  const skipBlocks = () => { while (at < b.length && b[at] !== 0) at += b[at] + 1; at += 1; };
  let delay = 0;
  while (at < b.length) {
    const kind = b[at];
    if (kind === 0x21) {
      if (b[at + 1] === 0xf9) delay = (b[at + 4] | (b[at + 5] << 8)) * 10;
      at += 2;
      skipBlocks();
    } else if (kind === 0x2c) {
      const packed = b[at + 9];
      at += 10;
      if (packed & 0x80) at += 3 * (1 << ((packed & 7) + 1));
      at += 1; // LZW minimum code size
      skipBlocks();
      delays.push(delay);
      delay = 0;
    } else break;
  }
  return delays;
}

// APNG: one fcTL chunk per frame, each with its delay as a fraction of a second.
function pngDelays(b) {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const delays = [];
  let animated = false;
  for (let at = 8; at + 8 <= b.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...b.subarray(at + 4, at + 8));
    if (type === "acTL") animated = true;
    if (type === "fcTL" && at + 8 + 24 <= b.length) {
      const num = view.getUint16(at + 8 + 20);
      const den = view.getUint16(at + 8 + 22) || 100;
      delays.push((num / den) * 1000);
    }
    if (type === "IEND") break;
    at += 12 + length;
  }
  return animated ? delays : [];
}

// WebP: one ANMF chunk per frame, its delay in a 24-bit field.
function webpDelays(b) {
  const delays = [];
  for (let at = 12; at + 8 <= b.length;) {
    const type = String.fromCharCode(...b.subarray(at, at + 4));
    const length = b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24);
    if (type === "ANMF") delays.push(b[at + 20] | (b[at + 21] << 8) | (b[at + 22] << 16));
    at += 8 + length + (length & 1);
  }
  return delays;
}

const DELAYS = { GIF: gifDelays, PNG: pngDelays, WEBP: webpDelays };

// {frames, delaysMs} for an animated GIF, WebP or PNG; null for a still image.
async function animationOf(file, format) {
  if (!DELAYS[format]) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const delays = DELAYS[format](bytes);
  if (delays.length < 2) return null;
  return { frames: delays.length, delaysMs: delays.map(playedDelay) };
}

// ---------------------------------------------------------------- see-through pixels

// True when a visible share of the image is partly transparent: a GIF pixel is either shown or
// not, so with a transparent background the card says how such an image comes out.
function seeThrough(image, format) {
  if (format === "JPEG") return false;
  const side = 48;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(image, 0, 0, side, side);
  const data = context.getImageData(0, 0, side, side).data;
  let partial = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 8 && data[i] < 247) partial += 1;
  return partial > (side * side) / 10;
}

// ---------------------------------------------------------------- checking

// A frame for the file, or why the server would refuse it ({reason, name}).
export async function checkFile(file) {
  const name = file.name || "image";
  const format = sniff(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (format === "empty") return { refused: { reason: "empty", name } };
  if (format === null) return { refused: { reason: "format", name } };
  if (file.size > limits.max_file_bytes) return { refused: { reason: "bytes", name } };
  const url = URL.createObjectURL(file);
  try {
    const image = await loadImage(url);
    if (image.naturalWidth * image.naturalHeight > limits.max_pixels) {
      URL.revokeObjectURL(url);
      return { refused: { reason: "pixels", name } };
    }
    return { frame: {
      id: state.nextId++, file, name, size: file.size, url, format,
      width: image.naturalWidth, height: image.naturalHeight, delayMs: null, caption: "",
      animation: await animationOf(file, format), seeThrough: seeThrough(image, format),
    } };
  } catch {
    URL.revokeObjectURL(url);
    return { refused: { reason: "corrupt", name } };
  }
}

// Why the server would refuse this set of frames as a whole ({reason}), or null.
export function frameSetProblem(frames, expand = state.expand) {
  if (frameCount(frames, expand) > limits.max_files) return "count";
  if (totalBytes(frames) > limits.max_request_bytes) return "total";
  return null;
}
