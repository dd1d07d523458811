// The progress print view: a Print button (the page works without it: the
// browser's own Print command does the same).
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
