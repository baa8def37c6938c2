// Moving a frame: drag it by its handle (mouse, pen or touch alike; held near the top edge or
// the create bar, the page scrolls, so a place off screen can be reached), or focus the handle
// and use the arrow keys, Home and End.

import { $, state } from "./store.js";

const list = $("frame-list");

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
// move(from, to) is true when the frame moved; restore() redraws the list as it was.
export function startDrag(event, index, move, restore) {
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
    if (target < 0 || !move(index, target)) restore();
  };
  const onUp = (e) => finish(e, true);
  const onCancel = (e) => finish(e, false);
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);
  window.addEventListener("pointercancel", onCancel);
}

const MOVES = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 };

export function onHandleKey(event, index, move) {
  let to = null;
  if (event.key in MOVES) to = index + MOVES[event.key];
  else if (event.key === "Home") to = 0;
  else if (event.key === "End") to = state.frames.length - 1;
  if (to === null) return;
  event.preventDefault();
  if (move(index, to)) {
    const handle = list.children[to].querySelector(".handle");
    handle.focus();
    handle.scrollIntoView({ block: "nearest" });
  }
}
