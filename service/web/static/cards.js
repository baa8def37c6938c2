// One card per frame: a thumbnail of one fixed shape (any aspect fits inside it), its handle,
// and outside the compact view its name and size, "first frame only" or "use all N frames" for
// an animation, a note when it is partly see-through, its own delay, its caption, its actions.

import { limits, state, changed } from "./store.js";
import { captionFor } from "./captions.js";
import { element, humanBytes } from "./words.js";

const HANDLE_ICON = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path fill="currentColor" d="M9 5h2v2H9zm4 0h2v2h-2zM9 11h2v2H9zm4 0h2v2h-2zm-4 6h2v2H9zm4 0h2v2h-2z"/></svg>';

function handleFor(frame, position, index, hooks) {
  const handle = element("button", {
    type: "button", className: "handle", title: "Drag, or use the arrow keys, to move this frame",
    ariaLabel: `Move ${position.toLowerCase()}, ${frame.name}`,
  });
  handle.innerHTML = HANDLE_ICON;
  handle.addEventListener("pointerdown", (e) => hooks.drag(e, index));
  handle.addEventListener("keydown", (e) => hooks.key(e, index));
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

// "First frame only" unless the page uses every frame of animated images (one setting: expand).
function animationFor(frame, hooks) {
  const { frames } = frame.animation;
  const box = element("input", { type: "checkbox", checked: state.expand });
  box.addEventListener("change", () => hooks.expand(box.checked, box));
  const words = state.expand ? `All ${frames} frames, each with its own delay.` : "First frame only.";
  return element("div", { className: "frame-animation" },
    element("span", { className: "frame-note", textContent: `Animated: ${words}` }),
    element("label", { className: "check" }, box, ` Use all ${frames} frames`));
}

function actionsFor(index, position, hooks) {
  return ["duplicate", "remove"].map((op) => {
    const label = op[0].toUpperCase() + op.slice(1);
    const button = element("button", { type: "button", textContent: label, ariaLabel: `${label} ${position.toLowerCase()}` });
    button.dataset.op = op;
    button.addEventListener("click", () => hooks.act(op, index));
    return button;
  });
}

// hooks: {drag(event, index), key(event, index), act(op, index), expand(checked, box)}.
export function frameItem(frame, index, hooks) {
  const position = `Frame ${index + 1}`;
  const thumb = element("div", { className: "thumb" },
    element("img", { src: frame.url, alt: "", loading: "lazy", decoding: "async" }),
    element("span", { className: "badge", textContent: String(index + 1), ariaHidden: "true" }),
    handleFor(frame, position, index, hooks));
  if (frame.animation) {
    thumb.append(element("span", { className: "badge anim", textContent: `${frame.animation.frames} frames`, ariaHidden: "true" }));
  }
  const item = element("li", { className: "frame" }, thumb);
  if (!state.compact) {
    item.append(element("div", { className: "frame-info" },
      element("div", { className: "frame-name", textContent: frame.name, title: frame.name }),
      element("div", { className: "frame-meta", textContent: `${frame.width} \u00d7 ${frame.height} \u00b7 ${humanBytes(frame.size)}` }),
      ...(frame.animation ? [animationFor(frame, hooks)] : []),
      ...(frame.seeThrough ? [element("p", { className: "frame-note see-through", textContent: "Partly see-through: on a transparent background a GIF shows each pixel or hides it, so the faintest parts drop out and the rest shows solid." })] : []),
      delayFor(frame, position),
      captionFor(frame, position),
      element("div", { className: "frame-actions" }, ...actionsFor(index, position, hooks))));
  }
  item.dataset.name = frame.name;
  item.dataset.id = String(frame.id);
  return item;
}
