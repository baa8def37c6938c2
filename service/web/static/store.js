// The page's one store: the server's limits (read once, from the page's data) and the state
// every module shares. Modules change the state, then call changed(what); each listener
// redraws only what it owns.

export const config = JSON.parse(document.body.dataset.config);
export const { limits, defaults } = config;

export const state = {
  frames: [], // {id, file, name, size, url, width, height, delayMs, caption, animation, seeThrough}
  nextId: 1,
  busy: false,
  compact: false,
  expand: false, // animated images give every frame (the `expand` field)
  crop: null, // {x, y, width, height} in the first frame's pixels
  refused: [], // {reason, name}
};

const listeners = [];

export function subscribe(listener) {
  listeners.push(listener);
}

// what: "frames" (list or order), "frame" (one frame's delay or caption), "settings", "busy".
export function changed(what) {
  for (const listener of listeners) listener(what);
}

// The frames as the GIF will have them: an animated image gives all its frames when expanded.
export function frameCount(frames = state.frames, expand = state.expand) {
  return frames.reduce((sum, frame) => sum + (expand && frame.animation ? frame.animation.frames : 1), 0);
}

export function totalBytes(frames = state.frames) {
  return frames.reduce((sum, frame) => sum + frame.size, 0);
}

export const $ = (id) => document.getElementById(id);
