// The reviewer's page: place the boxes around changed regions (given in percent of the page).
"use strict";
for (const box of document.querySelectorAll(".change[data-box]")) {
  const [left, top, width, height] = box.dataset.box.split(" ");
  Object.assign(box.style, { left: left + "%", top: top + "%", width: width + "%", height: height + "%" });
}
