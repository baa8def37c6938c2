// Numbers and messages as a person reads them, and small DOM helpers.

const MIB = 1024 * 1024;

// service/units.py: a byte limit as a person reads it.
export function sizeWords(size) {
  if (size >= MIB) return size % MIB === 0 ? `${size / MIB} MiB` : `${(size / MIB).toFixed(1)} MiB`;
  if (size >= 1024) return `${Math.round(size / 1024)} KiB`;
  return `${size} bytes`;
}

export function humanBytes(size) {
  if (size < 1024) return `${size} bytes`;
  if (size < MIB) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / MIB).toFixed(1)} MiB`;
}

export function playsWords(loop) {
  if (loop === 0) return "forever";
  if (loop === 1) return "once";
  if (loop === 2) return "twice";
  return `${loop} times`;
}

export function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function seconds(ms) {
  const s = ms / 1000;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

export function pixels(width, height) {
  return `${width} \u00d7 ${height} px`;
}

// A field the page refuses before sending: `field` is the form field, `message` names it as
// the page labels it.
export class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}

// A whole number in [lowest, highest], as options.py accepts it; the message uses the label.
export function wholeNumber(field, label, raw, lowest, highest, unit) {
  const text = String(raw).trim();
  if (!/^\+?[0-9]{1,9}$/.test(text)) {
    throw new FieldError(field, `${label} must be a whole number of ${unit}, from ${lowest} to ${highest}.`);
  }
  if (+text < lowest || +text > highest) {
    throw new FieldError(field, `${label} is ${+text} ${unit}: it must be from ${lowest} to ${highest} ${unit}.`);
  }
  return +text;
}

export function safe(read, fallback) {
  try { return read(); } catch { return fallback; }
}

export function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function announce(message) {
  const announcer = document.getElementById("announcer");
  announcer.textContent = "";
  requestAnimationFrame(() => { announcer.textContent = message; });
}
