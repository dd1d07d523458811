// Quiz attempt page: autosave each answer as it changes, show when it was saved, show
// the order chosen so far, count characters, and display the time left.
// Everything here is an enhancement: without JavaScript the page's Save and Submit
// buttons post the whole form, and the server alone decides times and scores.
(() => {
  "use strict";

  const form = document.querySelector("[data-attempt-form]");
  if (!form) return;

  const saveUrl = form.dataset.saveUrl;
  const live = document.querySelector("[data-live]");
  const pageAlert = document.querySelector("[data-page-alert]");
  const answeredCount = document.querySelector("[data-answered-count]");
  const csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  const TEXT_DELAY_MS = 1500;
  const RETRY_MS = 5000;

  let halted = false; // stale page or closed attempt: stop autosaving
  let submitting = false;

  const note = document.querySelector("[data-autosave-note]");
  if (note) note.textContent = "Your answers are saved automatically as you go.";

  function announce(message) {
    if (!live) return;
    live.textContent = "";
    window.setTimeout(() => { live.textContent = message; }, 50);
  }

  function localTime(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function localiseTimes(root) {
    root.querySelectorAll("time[datetime]").forEach((element) => {
      if (element.closest("[data-deadline]")) {
        const date = new Date(element.getAttribute("datetime"));
        if (!Number.isNaN(date.getTime())) {
          element.textContent = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        }
      } else {
        element.textContent = localTime(element.getAttribute("datetime"));
      }
    });
  }

  function questionOf(element) {
    return element.closest("[data-question]");
  }

  function fieldsOf(section) {
    const slot = section.dataset.question;
    const prefix = `q${slot}`;
    const body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrfInput ? csrfInput.value : "");
    body.append(`v${slot}`, section.querySelector("[data-version]").value);
    new FormData(form).forEach((value, name) => {
      if (name === prefix || name.startsWith(`${prefix}-`)) body.append(name, value);
    });
    return body;
  }

  function isAnswered(section) {
    if (orderingProblem(section)) return false;
    const prefix = `q${section.dataset.question}`;
    let answered = false;
    new FormData(form).forEach((value, name) => {
      if ((name === prefix || name.startsWith(`${prefix}-`)) && String(value).trim() !== "") {
        answered = true;
      }
    });
    return answered;
  }

  function updateAnsweredCount() {
    if (!answeredCount) return;
    const sections = form.querySelectorAll("[data-question]");
    answeredCount.textContent = String(Array.from(sections).filter(isAnswered).length);
  }

  function setStatus(section, text, kind) {
    const status = section.querySelector("[data-save-status]");
    if (!status) return;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-saving", kind === "saving");
    status.textContent = text;
  }

  function showPageAlert(message, linkHref, linkText) {
    if (!pageAlert) return;
    pageAlert.textContent = "";
    const box = document.createElement("div");
    box.className = "alert alert-warning";
    const text = document.createElement("p");
    text.className = "mb-2";
    text.textContent = message;
    box.appendChild(text);
    const link = document.createElement("a");
    link.className = "btn btn-sm btn-primary";
    link.href = linkHref;
    link.textContent = linkText;
    box.appendChild(link);
    pageAlert.appendChild(box);
    pageAlert.scrollIntoView({ block: "center" });
  }

  // Saves go one at a time, in the order asked: the server serialises one attempt's
  // writes anyway, and one request at a time keeps each version number in step.
  const queue = [];
  let busy = false;
  const textTimers = new Map();
  const tries = new Map();
  const unsaved = new Set(); // sections waiting to retry after a failed save

  function requestSave(section) {
    if (halted || submitting) return;
    const problem = orderingProblem(section);
    if (problem) {
      // A half-ordered list is not an answer yet: wait until every item has its own
      // place (arrow keys pass through taken positions on the way to a free one).
      setStatus(section, `Not saved yet: ${problem}`, "saving");
      return;
    }
    if (!queue.includes(section)) queue.push(section);
    setStatus(section, "Saving…", "saving");
    pump();
  }

  async function pump() {
    if (busy || halted) return;
    const section = queue.shift();
    if (!section) return;
    busy = true;
    try {
      await send(section);
    } finally {
      busy = false;
    }
    pump();
  }

  function orderingProblem(section) {
    const selects = Array.from(section.querySelectorAll(".order-select"));
    const values = selects.map((select) => select.value).filter((value) => value !== "");
    if (values.length === 0) return "";
    const taken = values.filter((value, index) => values.indexOf(value) !== index);
    if (taken.length) return `two items are at position ${taken[0]}; give each item its own position.`;
    const missing = selects.length - values.length;
    if (missing) return `give every item a position (${missing} still to place).`;
    return "";
  }

  async function send(section) {
    const slot = section.dataset.question;
    let response;
    try {
      response = await fetch(saveUrl, {
        method: "POST",
        body: fieldsOf(section),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      const count = (tries.get(slot) || 0) + 1;
      tries.set(slot, count);
      unsaved.add(section);
      setStatus(section, "Not saved yet: no connection. Trying again in a few seconds…", "error");
      window.setTimeout(() => requestSave(section), RETRY_MS * Math.min(count, 6));
      return;
    }
    tries.delete(slot);
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    unsaved.delete(section);
    if (response.ok) {
      const versions = data.versions || {};
      if (versions[slot] !== undefined) {
        section.querySelector("[data-version]").value = String(versions[slot]);
      }
      if (!queue.includes(section)) setStatus(section, `Saved at ${localTime(data.saved_at)}`, "saved");
      return;
    }
    if (response.status === 409 || response.status === 403) {
      halted = true;
      queue.length = 0;
      setStatus(section, "Not saved.", "error");
      if (response.status === 403) {
        showPageAlert(
          "Your session has ended, so answers can't be saved. Sign in again in another tab, then come back and press Save answers.",
          "/accounts/login/",
          "Sign in",
        );
      } else if (data.stale) {
        showPageAlert(data.error, window.location.href, "Reload the page");
      } else {
        showPageAlert(data.error, data.review_url || window.location.href, "See your results");
      }
      return;
    }
    if (queue.includes(section)) return; // a newer answer is already waiting to go
    if (response.status === 400) {
      const message = (data.errors && data.errors[slot]) || data.error || "This answer couldn't be saved.";
      setStatus(section, `Not saved: ${message}`, "error");
      announce(`Question ${slot} not saved: ${message}`);
      return;
    }
    if (response.status === 503) {
      // The database is unreachable for a moment: the answer stays on the page and
      // goes again after the server's Retry-After (at least the usual delay).
      const after = Number(response.headers.get("Retry-After")) * 1000;
      unsaved.add(section);
      setStatus(section, "Not saved yet: the site can't reach its database. Your answer is kept on this page and will be saved when it's back. Trying again…", "error");
      window.setTimeout(() => requestSave(section), Math.max(RETRY_MS, Math.min(after || 0, 30000)));
      return;
    }
    unsaved.add(section);
    setStatus(section, "Not saved yet: the server had a problem. Trying again shortly…", "error");
    window.setTimeout(() => requestSave(section), RETRY_MS);
  }

  function scheduleTextSave(section) {
    const slot = section.dataset.question;
    window.clearTimeout(textTimers.get(slot));
    setStatus(section, "Changes not saved yet…", "saving");
    textTimers.set(slot, window.setTimeout(() => requestSave(section), TEXT_DELAY_MS));
  }

  // --- Ordering: the list below the selects shows the order chosen so far. ----------
  function refreshOrderPreview(fieldset) {
    const list = fieldset.querySelector("[data-order-preview-list]");
    if (!list) return;
    const selects = Array.from(fieldset.querySelectorAll(".order-select"));
    const byPosition = new Map();
    selects.forEach((select) => {
      if (!select.value) return;
      const label = fieldset.querySelector(`label[for="${select.id}"]`).cloneNode(true);
      label.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
      const texts = byPosition.get(select.value) || [];
      texts.push(label.textContent.trim());
      byPosition.set(select.value, texts);
    });
    list.textContent = "";
    for (let position = 1; position <= selects.length; position += 1) {
      const item = document.createElement("li");
      const texts = byPosition.get(String(position));
      if (texts) {
        item.textContent = texts.join(" / ");
        if (texts.length > 1) item.classList.add("is-clash");
      } else {
        const empty = document.createElement("span");
        empty.className = "text-body-secondary";
        empty.textContent = "not chosen yet";
        item.appendChild(empty);
      }
      list.appendChild(item);
    }
  }

  form.querySelectorAll("[data-ordering]").forEach((fieldset) => {
    fieldset.addEventListener("change", () => refreshOrderPreview(fieldset));
  });

  // --- Character count for written answers. -----------------------------------------
  form.querySelectorAll("[data-short-answer]").forEach((area) => {
    const counter = area.parentElement.querySelector("[data-char-count]");
    const update = () => {
      if (counter) counter.textContent = ` (${area.value.length.toLocaleString()} used)`;
    };
    area.addEventListener("input", update);
    update();
  });

  // --- Autosave wiring. ---------------------------------------------------------------
  form.addEventListener("change", (event) => {
    const section = questionOf(event.target);
    if (!section) return;
    updateAnsweredCount();
    window.clearTimeout(textTimers.get(section.dataset.question));
    requestSave(section);
  });
  form.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") return;
    const section = questionOf(event.target);
    if (section) scheduleTextSave(section);
  });

  form.addEventListener("submit", (event) => {
    if (submitting) {
      event.preventDefault(); // a double click sends one request; the server is idempotent anyway
      return;
    }
    submitting = true;
    textTimers.forEach((timer) => window.clearTimeout(timer));
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || halted) return;
    if (busy || queue.length || unsaved.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- Time limit: displayed here, enforced by the server. ------------------------------
  const timer = document.querySelector("[data-deadline]");
  if (timer) {
    const deadline = new Date(timer.dataset.deadline).getTime();
    const left = timer.querySelector("[data-timer-left]");
    const announced = new Set();
    const tick = () => {
      const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(seconds / 60);
      const rest = String(seconds % 60).padStart(2, "0");
      if (left) left.textContent = ` (${minutes}:${rest} left)`;
      timer.classList.toggle("is-ending", seconds <= 60);
      [300, 60].forEach((mark) => {
        if (seconds <= mark && seconds > mark - 5 && !announced.has(mark)) {
          announced.add(mark);
          announce(`${mark / 60} minute${mark === 60 ? "" : "s"} left.`);
        }
      });
      if (seconds === 0) {
        window.clearInterval(interval);
        if (!submitting && !halted) {
          const submit = form.querySelector("[data-submit-button]");
          if (submit && form.requestSubmit) form.requestSubmit(submit);
        }
      }
    };
    const interval = window.setInterval(tick, 1000);
    tick();
  }

  localiseTimes(document);
})();
