// The organiser's page: the preview follows typing (debounced), drafts save themselves, photos
// upload and take a focal point.  Everything is checked and drawn by the server; this only asks.
"use strict";
(() => {
  const initial = JSON.parse(document.getElementById("initial").textContent);
  const form = document.getElementById("fields");
  const ward = initial.ward;
  const csrf = form.querySelector("input[name=csrf]").value;
  const basedOnInput = document.getElementById("based-on");
  const submitButton = document.getElementById("submit-button");
  const values = initial.values;
  let version = initial.version;
  let sequence = 0;
  let shownSequence = 0;
  let previewTimer = null;
  let saveTimer = null;
  let saving = Promise.resolve();
  let stopped = !initial.editable;
  const PREVIEW_AFTER_MS = 250;
  const SAVE_AFTER_MS = 1200;

  function post(path, body, json = true) {
    const headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    if (json) headers["Content-Type"] = "application/json";
    return fetch(path, { method: "POST", headers, body: json ? JSON.stringify(body) : body, credentials: "same-origin" });
  }

  function gather() {
    for (const input of form.querySelectorAll("[data-kind]")) {
      values[input.dataset.kind][input.dataset.name] = input.value;
    }
    return values;
  }

  function list(element, problems) {
    element.replaceChildren(...problems.map((problem) => {
      const item = document.createElement("li");
      item.className = problem.severity;
      item.textContent = problem.message;
      return item;
    }));
  }

  function show(report) {
    report.pages.forEach((page, index) => {
      const image = document.getElementById("page-" + index);
      if (image && page.src) { image.src = page.src; }
      if (image) image.dataset.digest = page.digest;
    });
    for (const field of report.fields) {
      const status = document.getElementById("status-" + field.key.replace(".", "-"));
      if (!status) continue;
      const fit = status.querySelector(".fit");
      if (fit) fit.textContent = field.fit || "";
      const count = status.querySelector(".count");
      if (count) count.textContent = field.count || "";
      const ppi = status.querySelector(".ppi");
      if (ppi) ppi.textContent = field.ppi ? Math.round(field.ppi) + " ppi at its printed size" : "";
      list(status.querySelector(".problems"), field.problems);
    }
    const elsewhere = document.getElementById("elsewhere");
    list(elsewhere.querySelector(".problems"), report.elsewhere);
    const blocking = document.getElementById("blocking");
    blocking.replaceChildren(...report.blocking.map((reason) => {
      const item = document.createElement("li");
      item.textContent = reason;
      return item;
    }));
    submitButton.disabled = stopped || report.blocking.length > 0;
  }

  async function preview() {
    const mine = ++sequence;
    const known = Array.from(document.querySelectorAll(".preview img")).map((image) => image.dataset.digest);
    const response = await post(`/w/${ward}/preview`, { values: gather(), known_pages: known });
    if (mine < shownSequence) return;  // an older answer arriving late
    shownSequence = mine;
    if (response.ok) {
      show(await response.json());
    } else {
      const answer = await response.json().catch(() => ({ error: response.statusText }));
      list(document.getElementById("elsewhere").querySelector(".problems"), [{ severity: "error", message: answer.error }]);
      submitButton.disabled = true;
    }
    document.body.dataset.previewed = String(mine);
  }

  async function save() {
    if (stopped) return;
    const response = await post(`/w/${ward}/save`, { values: gather(), based_on: version });
    const answer = await response.json().catch(() => ({ error: response.statusText }));
    const saved = document.getElementById("saved");
    if (response.ok) {
      if (answer.version !== version) {
        version = answer.version;
        basedOnInput.value = String(version);
        saved.textContent = "Saved as version " + version;
      }
      document.body.dataset.saved = String(version);
    } else {
      stopped = true;
      submitButton.disabled = true;
      document.getElementById("conflict-text").textContent = answer.error;
      document.getElementById("conflict").hidden = false;
      saved.textContent = answer.kept_as ? `Kept as version ${answer.kept_as}, not applied` : "Not saved";
    }
  }

  function changed() {
    if (stopped) return;
    document.getElementById("saved").textContent = "Editing…";
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, PREVIEW_AFTER_MS);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => { saving = saving.then(save); }, SAVE_AFTER_MS);
  }

  function saveNow() {
    clearTimeout(saveTimer);
    saving = saving.then(save);
    return saving;
  }

  for (const input of form.querySelectorAll("[data-kind]")) {
    input.addEventListener("input", changed);
    input.addEventListener("blur", () => { if (!stopped) saveNow(); });
  }

  function placeMark(slot) {
    const mark = document.getElementById("mark-" + slot);
    const focal = values.photos[slot] && values.photos[slot].focal;
    mark.hidden = !focal;
    if (focal) {
      mark.style.left = (focal[0] * 100) + "%";
      mark.style.top = (focal[1] * 100) + "%";
    }
  }

  for (const field of form.querySelectorAll(".field.photo")) {
    const slot = field.dataset.slot;
    const thumb = document.getElementById("thumb-" + slot);
    placeMark(slot);
    thumb.addEventListener("click", (event) => {
      if (stopped) return;
      const box = thumb.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      values.photos[slot].focal = [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
      placeMark(slot);
      changed();
    });
    document.getElementById("photo-" + slot).addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const body = new FormData();
      body.append("photo", file);
      document.getElementById("saved").textContent = "Sending the photo…";
      const response = await post(`/w/${ward}/photo/${slot}`, body, false);
      const answer = await response.json().catch(() => ({ error: response.statusText }));
      const problems = document.getElementById("status-photos-" + slot).querySelector(".problems");
      if (!response.ok) {
        list(problems, [{ severity: "error", message: answer.error }]);
        document.getElementById("saved").textContent = "The photo was not used";
        event.target.value = "";
        return;
      }
      values.photos[slot] = { source: answer.source, focal: null };
      thumb.src = answer.src;
      placeMark(slot);
      changed();
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (stopped) return;
    clearTimeout(previewTimer);
    await saveNow();
    if (stopped) return;
    basedOnInput.value = String(version);
    HTMLFormElement.prototype.submit.call(form);
  });
})();
