// Grading queue: save one grade without leaving the page. Without this script the
// form posts normally and the server sends the page back at the next answer.
(function () {
  "use strict";

  function show(element, text) {
    element.textContent = text;
    element.hidden = !text;
  }

  function onSubmit(event) {
    const form = event.target.closest("[data-grade-form]");
    if (!form) return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const error = form.querySelector("[data-grade-error]");
    const state = form.querySelector("[data-grade-state]");
    const live = document.querySelector("[data-grading-status]");
    button.disabled = true;
    show(error, "");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, error: "The grade was not saved (the server answered " + response.status + "). Try again." };
        });
      })
      .then(function (data) {
        if (!data.ok) {
          show(error, data.error || "The grade was not saved. Try again.");
          return;
        }
        const badge = document.createElement("span");
        badge.className = "state state-done";
        badge.textContent = "Graded: " + data.score + " of " + data.max_score;
        const attempt = " Attempt: " + data.attempt_status +
          (data.attempt_percent !== null ? ", " + data.attempt_percent + "%" : "") + ".";
        state.replaceChildren(badge, document.createTextNode(attempt));
        form.closest(".grading-row").classList.add("is-graded");
        button.textContent = "Change grade";
        const empty = form.querySelector("select option[value='']");
        if (empty) empty.remove();
        if (live) live.textContent = "Saved. " + badge.textContent + "." + attempt;
      })
      .catch(function () {
        show(error, "The grade was not saved: the connection failed. Try again.");
      })
      .finally(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("submit", onSubmit);
})();
