// The frames and their order: adding files (refusals grouped by reason), the cards (a fixed
// thumbnail shape, delay, caption, "use all N frames"), reordering by drag (the page scrolls
// near an edge) or by keyboard, the toolbar, and the compact view.

import { $, limits, state, changed, subscribe, frameCount } from "./store.js";
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

// ---------------------------------------------------------------- dragging

// Within this many pixels of the top or of the create bar, a held frame scrolls the page,
// faster the closer it is.
const EDGE_PX = 72;
const MAX_SCROLL_PX = 18;

function edgeSpeed(y) {
  const bottom = $("create-bar").getBoundingClientRect().top;
  if (y < EDGE_PX) return -Math.ceil(MAX_SCROLL_PX * (1 - Math.max(y, 0) / EDGE_PX));
  if (y > bottom - EDGE_PX) return Math.ceil(MAX_SCROLL_PX * Math.min(1, (y - (bottom - EDGE_PX)) / EDGE_PX));
  return 0;
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
  ghost.querySelectorAll("input, button").forEach((control) => { control.tabIndex = -1; });
  document.body.append(ghost);
  item.classList.add("dragging");
  const grab = { x: event.clientX - box.left, y: event.clientY - box.top };
  const pointer = { x: event.clientX, y: event.clientY };
  const targetAt = (x, y) => {
    const over = document.elementFromPoint(x, y)?.closest(".frame");
    return over && over.parentElement === list ? [...list.children].indexOf(over) : -1;
  };
  const mark = () => {
    const target = targetAt(pointer.x, pointer.y);
    [...list.children].forEach((li, i) => li.classList.toggle("drop-target", i === target && i !== index));
  };
  let scrolling = 0;
  const scroll = () => {
    const speed = edgeSpeed(pointer.y);
    if (speed) { window.scrollBy(0, speed); mark(); }
    scrolling = requestAnimationFrame(scroll);
  };
  scrolling = requestAnimationFrame(scroll);
  const onMove = (e) => {
    Object.assign(pointer, { x: e.clientX, y: e.clientY });
    ghost.style.left = `${e.clientX - grab.x}px`;
    ghost.style.top = `${e.clientY - grab.y}px`;
    mark();
  };
  const finish = (e, drop) => {
    cancelAnimationFrame(scrolling);
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
    window.removeEventListener("pointercancel", onCancel);
    ghost.remove();
    item.classList.remove("dragging");
    const target = drop ? targetAt(e.clientX, e.clientY) : -1;
    if (target < 0 || !moveFrame(index, target)) render();
  };
  const onUp = (e) => finish(e, true);
  const onCancel = (e) => finish(e, false);
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);
  window.addEventListener("pointercancel", onCancel);
}

const MOVES = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 };

function onHandleKey(event, index) {
  let to = null;
  if (event.key in MOVES) to = index + MOVES[event.key];
  else if (event.key === "Home") to = 0;
  else if (event.key === "End") to = state.frames.length - 1;
  if (to === null) return;
  event.preventDefault();
  if (moveFrame(index, to)) {
    const handle = list.children[to].querySelector(".handle");
    handle.focus();
    handle.scrollIntoView({ block: "nearest" });
  }
}

// ---------------------------------------------------------------- the cards

const HANDLE_ICON = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M9 5h2v2H9zm4 0h2v2h-2zM9 11h2v2H9zm4 0h2v2h-2zm-4 6h2v2H9zm4 0h2v2h-2z"/></svg>';

function handleFor(frame, position, index) {
  const handle = element("button", {
    type: "button", className: "handle", title: "Drag, or use the arrow keys, to move this frame",
    ariaLabel: `Move ${position.toLowerCase()}, ${frame.name}`,
  });
  handle.innerHTML = HANDLE_ICON;
  handle.addEventListener("pointerdown", (e) => startDrag(e, index));
  handle.addEventListener("keydown", (e) => onHandleKey(e, index));
  return handle;
}

function delayFor(frame, position) {
  const delay = element("input", {
    type: "number", inputMode: "numeric", min: limits.min_duration_ms, max: limits.max_duration_ms, step: 10,
    value: frame.delayMs ?? "", placeholder: "", ariaLabel: `Delay of ${position.toLowerCase()} in ms (blank: the delay per frame)`,
  });
  delay.addEventListener("input", () => {
    frame.delayMs = delay.value.trim() === "" ? null : delay.value.trim();
    delay.removeAttribute("aria-invalid");
    changed("frame");
  });
  return element("label", { className: "frame-delay" }, "Delay", delay, "ms");
}

function captionFor(frame, position) {
  const caption = element("input", {
    type: "text", value: frame.caption, maxLength: 200, placeholder: "Caption (optional)",
    ariaLabel: `Caption of ${position.toLowerCase()}`, className: "frame-caption",
  });
  caption.addEventListener("input", () => { frame.caption = caption.value; changed("frame"); });
  return caption;
}

// "First frame only" unless the page uses every frame of animated images (one setting: expand).
function animationFor(frame) {
  const { frames } = frame.animation;
  const box = element("input", { type: "checkbox", checked: state.expand });
  box.addEventListener("change", () => setExpand(box.checked, box));
  const words = state.expand ? `All ${frames} frames, each with its own delay.` : "First frame only.";
  return element("div", { className: "frame-animation" },
    element("span", { className: "frame-note", textContent: `Animated: ${words}` }),
    element("label", { className: "check" }, box, ` Use all ${frames} frames`));
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

function actionsFor(index, position) {
  return ["duplicate", "remove"].map((op) => {
    const label = op[0].toUpperCase() + op.slice(1);
    const button = element("button", { type: "button", textContent: label, ariaLabel: `${label} ${position.toLowerCase()}` });
    button.dataset.op = op;
    button.addEventListener("click", () => frameAction(op, index));
    return button;
  });
}

function frameItem(frame, index) {
  const position = `Frame ${index + 1}`;
  const thumb = element("div", { className: "thumb" },
    element("img", { src: frame.url, alt: "", loading: "lazy", decoding: "async" }),
    element("span", { className: "badge", textContent: String(index + 1), ariaHidden: "true" }),
    handleFor(frame, position, index));
  if (frame.animation) {
    thumb.append(element("span", { className: "badge anim", textContent: `${frame.animation.frames} frames`, ariaHidden: "true" }));
  }
  const item = element("li", { className: "frame" }, thumb);
  if (!state.compact) {
    item.append(element("div", { className: "frame-info" },
      element("div", { className: "frame-name", textContent: frame.name, title: frame.name }),
      element("div", { className: "frame-meta", textContent: `${frame.width} \u00d7 ${frame.height} \u00b7 ${humanBytes(frame.size)}` }),
      ...(frame.animation ? [animationFor(frame)] : []),
      ...(frame.seeThrough ? [element("p", { className: "frame-note see-through", textContent: "Partly see-through: on a transparent background a GIF shows each pixel or hides it, so the faintest parts drop out and the rest shows solid." })] : []),
      delayFor(frame, position),
      captionFor(frame, position),
      element("div", { className: "frame-actions" }, ...actionsFor(index, position))));
  }
  item.dataset.name = frame.name;
  item.dataset.id = String(frame.id);
  return item;
}

function render() {
  list.replaceChildren(...state.frames.map(frameItem));
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
