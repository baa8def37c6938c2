// The frames and their order: adding files (refusals grouped by reason, one line each), the
// list of cards (cards.js), moving (drag.js), the toolbar (one Tab stop) and the compact view.

import { $, limits, state, changed, subscribe, frameCount } from "./store.js";
import { frameItem } from "./cards.js";
import { onHandleKey, startDrag } from "./drag.js";
import { checkFile, frameSetProblem, reasonWords } from "./files.js";
import { announce, element, humanBytes, plural } from "./words.js";

const list = $("frame-list");

// ---------------------------------------------------------------- adding and refusing

export async function addFiles(files) {
  const refused = [];
  for (const file of files) {
    const { frame, refused: why } = await checkFile(file);
    if (why) { refused.push(why); continue; }
    const problem = frameSetProblem([...state.frames, frame]);
    if (problem) { refused.push({ reason: problem, name: frame.name }); URL.revokeObjectURL(frame.url); continue; }
    state.frames.push(frame);
  }
  showRefused(refused);
  changed("frames");
  const added = files.length - refused.length;
  announce(`${plural(added, "frame")} added${refused.length ? `, ${refused.length} not added` : ""}. ${plural(state.frames.length, "image")} in all.`);
}

const NAMES_SHOWN = 3;

// One line per reason, with how many files and the first few names.
export function showRefused(refused) {
  state.refused = refused;
  const groups = new Map();
  for (const { reason, name } of refused) groups.set(reason, [...(groups.get(reason) ?? []), name]);
  const lines = [...groups].map(([reason, names]) => {
    const shown = names.slice(0, NAMES_SHOWN).join(", ");
    const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : "";
    return element("li", {}, element("strong", { textContent: `${reasonWords(reason)} (${names.length}):` }), ` ${shown}${more}.`);
  });
  $("refused-list").replaceChildren(...lines);
  $("refused-title").textContent = `Not added: ${plural(refused.length, "file")}`;
  $("refused").hidden = refused.length === 0;
}

// ---------------------------------------------------------------- arranging

function moveFrame(from, to) {
  if (to < 0 || to >= state.frames.length || from === to) return false;
  const [frame] = state.frames.splice(from, 1);
  state.frames.splice(to, 0, frame);
  changed("frames");
  announce(`${frame.name} moved to position ${to + 1} of ${state.frames.length}.`);
  return true;
}

const cloneFrame = (frame) => ({ ...frame, id: state.nextId++ });

// Replace the frames if the server would take the result; say why not otherwise.
function arrange(frames, message) {
  const problem = frameSetProblem(frames);
  if (problem) {
    const words = `${reasonWords(problem)}: ${message.toLowerCase().replace(/\.$/, "")} was not done.`;
    announce(words);
    showError(words);
    return;
  }
  const kept = new Set(frames.map((f) => f.url));
  for (const frame of state.frames) if (!kept.has(frame.url)) URL.revokeObjectURL(frame.url);
  state.frames = frames;
  changed("frames");
  announce(message);
}

function showError(text) {
  $("refused-list").replaceChildren(element("li", { textContent: text }));
  $("refused-title").textContent = "Not done";
  $("refused").hidden = false;
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
  compact: () => {
    state.compact = !state.compact;
    changed("frames");
    announce(state.compact ? "Compact view: thumbnails only." : "Full view: each frame with its delay and caption.");
  },
  clear: () => {
    arrange([], "All frames removed.");
    showRefused([]);
  },
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


function setExpand(on, box) {
  const problem = on ? frameSetProblem(state.frames, true) : null;
  if (problem) {
    box.checked = false;
    const words = `Using every frame would make ${frameCount(state.frames, true)} frames; at most ${limits.max_files} fit in one GIF.`;
    showError(words);
    announce(words);
    return;
  }
  const id = box.closest(".frame")?.dataset.id;
  state.expand = on;
  changed("frames");
  const animated = state.frames.filter((f) => f.animation).length;
  announce(on ? `Every frame of ${plural(animated, "animated image")} is used: ${plural(frameCount(), "frame")} in all.` : "Animated images give their first frame only.");
  list.querySelector(`[data-id="${id}"] .frame-animation input`)?.focus();
}

const hooks = {
  drag: (event, index) => startDrag(event, index, moveFrame, render),
  key: (event, index) => onHandleKey(event, index, moveFrame),
  act: frameAction,
  expand: setExpand,
};

function render() {
  list.replaceChildren(...state.frames.map((frame, index) => frameItem(frame, index, hooks)));
  list.hidden = state.frames.length === 0;
  list.classList.toggle("compact", state.compact);
  document.querySelector("[data-action=compact]").setAttribute("aria-pressed", String(state.compact));
  document.querySelectorAll(".toolbar button").forEach((b) => { b.disabled = state.frames.length === 0 || state.busy; });
  $("dropzone").classList.toggle("slim", state.frames.length > 0);
  const images = state.frames.length;
  const count = frameCount();
  $("frames-summary").textContent = images
    ? `${plural(images, "image")}${count !== images ? ` (${plural(count, "frame")})` : ""} \u00b7 ${humanBytes(state.frames.reduce((s, f) => s + f.size, 0))} \u00b7 at most ${limits.max_files} frames`
    : "Add images in the order they should play.";
}

// ---------------------------------------------------------------- the toolbar

// One tab stop for the whole toolbar (arrow keys move within it): the next Tab is Create.
function rovingToolbar() {
  const buttons = [...document.querySelectorAll(".toolbar button")];
  const enabled = () => buttons.filter((b) => !b.disabled);
  const current = () => enabled().find((b) => b.tabIndex === 0) ?? enabled()[0];
  const settle = () => {
    const keep = current();
    buttons.forEach((b) => { b.tabIndex = b === keep ? 0 : -1; });
  };
  document.querySelector(".toolbar").addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    const live = enabled();
    let to = null;
    if (step) to = live[(live.indexOf(document.activeElement) + step + live.length) % live.length];
    if (event.key === "Home") to = live[0];
    if (event.key === "End") to = live[live.length - 1];
    if (!to) return;
    event.preventDefault();
    buttons.forEach((b) => { b.tabIndex = b === to ? 0 : -1; });
    to.focus();
  });
  buttons.forEach((b) => b.addEventListener("focus", () => buttons.forEach((o) => { o.tabIndex = o === b ? 0 : -1; })));
  return settle;
}

export function setUpFrames() {
  const settleToolbar = rovingToolbar();
  document.querySelectorAll(".toolbar [data-action]").forEach((b) => b.addEventListener("click", () => actions[b.dataset.action]()));
  $("dismiss-refused").addEventListener("click", () => showRefused([]));
  subscribe((what) => {
    if (what === "frames" || what === "busy") { render(); settleToolbar(); }
  });
}
