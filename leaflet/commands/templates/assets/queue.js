// The review queue and a ward's review sheet, in leaflet proof's static page and in leaflet serve:
// boxes around changed regions (given in percent of the page), the static page's filters, and
// the keyboard: j / k for the next / previous ward, Enter to open it, / to filter.
"use strict";
(function () {
  for (const box of document.querySelectorAll(".change[data-box]")) {
    const [left, top, width, height] = box.dataset.box.split(" ");
    Object.assign(box.style, { left: left + "%", top: top + "%", width: width + "%", height: height + "%" });
  }

  const rows = Array.from(document.querySelectorAll(".ward-row"));
  const search = document.getElementById("search");

  // leaflet serve's filters are a form: it is sent as soon as a filter changes
  const form = document.getElementById("filters");
  if (form) {
    form.addEventListener("change", () => form.requestSubmit());
  }

  // the static page filters here, in the page
  if (document.body.dataset.filter === "here") {
    const sheets = new Map(Array.from(document.querySelectorAll(".ward-sheet")).map(sheet => [sheet.dataset.code, sheet]));
    const state = document.getElementById("state");
    const withFindings = document.getElementById("with-findings");
    const changed = document.getElementById("changed");
    const language = document.getElementById("language");
    const count = document.getElementById("count");
    const fold = text => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    const apply = () => {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const row of rows) {
        const show = words.every(word => row.dataset.search.includes(word))
          && (!state.value || row.dataset.state === state.value)
          && (!withFindings.checked || row.dataset.findings === "1")
          && (!changed.checked || row.dataset.changed === "1")
          && (!language.value || row.dataset.language === language.value);
        row.hidden = !show;
        const sheet = sheets.get(row.dataset.code);
        if (sheet) sheet.hidden = !show;
        if (show) shown += 1;
      }
      count.textContent = shown + " of " + rows.length + " wards shown";
    };
    for (const control of [search, state, withFindings, changed, language]) {
      control.addEventListener(control === search ? "input" : "change", apply);
    }
    for (const link of document.querySelectorAll(".counts a[data-state]")) {
      link.addEventListener("click", event => {
        event.preventDefault();
        state.value = link.dataset.state;
        apply();
      });
    }
    apply();
  }

  document.addEventListener("keydown", event => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select, button")) {
      return;
    }
    if (event.key === "/") {
      const filter = search || document.querySelector("#filters select");
      if (filter) {
        event.preventDefault();
        filter.focus();
      }
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    const onward = event.key === "j";
    const step = document.querySelector(onward ? "a[rel=next]" : "a[rel=prev]");
    if (step) {  // a ward's own page: go to the next or previous ward of the queue
      event.preventDefault();
      step.click();
      return;
    }
    const shown = rows.filter(row => !row.hidden);
    if (!shown.length) {
      return;
    }
    event.preventDefault();
    const current = shown.indexOf(document.activeElement.closest(".ward-row"));
    const index = current < 0 ? (onward ? 0 : shown.length - 1)
      : Math.min(shown.length - 1, Math.max(0, current + (onward ? 1 : -1)));
    const link = shown[index].querySelector("a.ward-link");
    link.focus();
    shown[index].scrollIntoView({ block: "nearest" });
  });
})();
