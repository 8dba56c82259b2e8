// feedmaker's /new page: the preview follows the rules as they are typed. Without this script
// the form still works (Preview and Save post the whole page). Written for feedmaker; no library.
"use strict";
(function () {
  const form = document.getElementById("new-site");
  const out = document.getElementById("preview");
  const note = document.getElementById("preview-status");
  if (!form || !out || !note) return;
  let timer = 0;
  let running = null;

  function update() {
    if (!form.elements.url.value || !form.elements.url.checkValidity()) return;
    if (running) running.abort();
    const mine = running = new AbortController();
    const body = new URLSearchParams(new FormData(form));
    note.textContent = "Updating the preview…";
    form.setAttribute("aria-busy", "true");
    fetch("new/preview", {method: "POST", body: body, signal: mine.signal,
                          credentials: "same-origin"})
      .then(function (r) {
        return r.text().then(function (html) {
          if (r.status === 403) throw new Error("refused: open New site again");
          out.innerHTML = html;  // this server's own escaped markup
          note.textContent = r.ok ? "" : "The preview could not run (HTTP " + r.status + ").";
        });
      })
      .catch(function (e) {
        if (e.name !== "AbortError") note.textContent = "The preview failed: " + e.message;
      })
      .finally(function () {
        if (running === mine) { running = null; form.removeAttribute("aria-busy"); }
      });
  }

  form.addEventListener("input", function (e) {
    if (e.target.name === "url" || e.target.name === "key") return;  // the address: on Preview
    clearTimeout(timer);
    timer = setTimeout(update, 500);
  });
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.value === "save") return;  // saving posts the page
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
})();
