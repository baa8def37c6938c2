// gifsvc's page, as native ES modules by concern (no build step):
//   store.js     the server's limits (once, from the page's data) and the shared state
//   words.js     numbers and messages as a person reads them
//   files.js     files checked as the server checks them; animations; see-through pixels
//   frames.js    the frames and their order, refusals, the toolbar, the compact view
//   cards.js     one card per frame;  drag.js  moving a frame (mouse, touch, keys)
//   captions.js  a caption per frame, typed on its card
//   settings.js  the fields, checked with the page's labels; the summary next to Create
//   estimate.js  the live estimate next to Create
//   crop.js      the crop rectangle on the first frame
//   upload.js    creating: upload with progress, errors with the focus on them
//   result.js    the GIF, and what the service did and why
// Without this script the page is a plain form posting to /gif, and that works too.

import { $, changed } from "./store.js";
import { setUpCrop } from "./crop.js";
import { addFiles, setUpFrames } from "./frames.js";
import { setUpResult } from "./result.js";
import { setUpSettings } from "./settings.js";
import { setUpUpload } from "./upload.js";

function setUpPicking() {
  const fileInput = $("photo");
  fileInput.removeAttribute("name"); // the script sends the frames itself, in the chosen order
  fileInput.addEventListener("change", () => { addFiles([...fileInput.files]); fileInput.value = ""; });
  const zone = $("dropzone");
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  document.addEventListener("dragover", (e) => { if (hasFiles(e)) { e.preventDefault(); zone.classList.add("over"); } });
  document.addEventListener("dragleave", (e) => { if (e.relatedTarget === null) zone.classList.remove("over"); });
  document.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.remove("over");
    addFiles([...e.dataTransfer.files]);
  });
}

// The create bar is fixed at the bottom: the page keeps room for it below everything.
function reserveBarSpace() {
  const bar = $("create-bar");
  const update = () => document.documentElement.style.setProperty("--bar-height", `${Math.ceil(bar.getBoundingClientRect().height)}px`);
  new ResizeObserver(update).observe(bar);
  update();
}

document.documentElement.classList.add("js");
setUpFrames();
setUpSettings();
setUpCrop();
setUpUpload();
setUpResult();
setUpPicking();
reserveBarSpace();
changed("frames");
