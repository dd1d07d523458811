// Behaviours for the class pages, kept out of the markup by the Content Security Policy.

// Forms that change something hard to undo ask first: <form data-confirm="…">.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// The assignment form: the student list matters only for "Chosen students".
function syncAudience(form) {
  const chosen = form.querySelector('input[name="audience"][value="students"]');
  const picker = form.querySelector("[data-student-picker]");
  if (chosen && picker) {
    picker.hidden = !chosen.checked;
  }
}
document.querySelectorAll("form[data-assignment-form]").forEach((form) => {
  syncAudience(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "audience") {
      syncAudience(form);
    }
  });
});

// A new class starts in the browser's time zone when the teacher has no class yet.
document.querySelectorAll("select[data-guess-time-zone]").forEach((select) => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && Array.from(select.options).some((option) => option.value === zone)) {
    select.value = zone;
  }
});

// "Select all" for the roster's checkboxes.
document.querySelectorAll("[data-select-all]").forEach((box) => {
  box.addEventListener("change", () => {
    document
      .querySelectorAll(`input[type="checkbox"][form="${box.dataset.selectAll}"]`)
      .forEach((other) => {
        other.checked = box.checked;
      });
  });
});
