// Captions: a text per frame, typed on its card, drawn into the GIF by the server (the
// `caption` field: one per frame of the GIF, in order; an animated image's caption goes on each
// of its frames when all of them are used).

import { state, changed } from "./store.js";
import { element } from "./words.js";

export function captionFor(frame, position) {
  const caption = element("input", {
    type: "text", value: frame.caption, maxLength: 200, placeholder: "Caption (optional)",
    ariaLabel: `Caption of ${position.toLowerCase()}`, className: "frame-caption",
  });
  caption.addEventListener("input", () => { frame.caption = caption.value; changed("frame"); });
  return caption;
}

// The caption fields to send: none when every caption is blank.
export function captionFields() {
  const texts = state.frames.flatMap((frame) => Array(state.expand && frame.animation ? frame.animation.frames : 1).fill(frame.caption.trim()));
  return texts.some(Boolean) ? texts : [];
}
