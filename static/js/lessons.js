// Glossary terms explained in place.
//
// The server renders each term as a plain link to its glossary entry, which works
// without JavaScript. Here each link becomes a real <button> that toggles a Bootstrap
// popover with the term's definition: Enter or Space opens and closes it, Escape
// closes it and keeps focus on the button, and opening one closes any other.
(() => {
  "use strict";
  if (!window.bootstrap || !window.bootstrap.Popover) {
    return; // The links keep working.
  }
  const open = new Set();

  function hide(button) {
    const popover = window.bootstrap.Popover.getInstance(button);
    if (popover) popover.hide();
  }

  function enhance(link) {
    const title = link.dataset.termTitle;
    const definition = link.dataset.termDefinition;
    if (!definition) return;

    const wrapper = document.createElement("span");
    wrapper.className = "term-wrap";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "term-ref term-button";
    button.textContent = link.textContent;
    button.setAttribute("aria-expanded", "false");
    button.dataset.glossaryHref = link.getAttribute("href");
    wrapper.appendChild(button);
    link.replaceWith(wrapper);

    // The popover lives inside the wrapper, right after the button, so that it
    // follows the button in reading order for screen readers.
    new window.bootstrap.Popover(button, {
      container: wrapper,
      trigger: "manual",
      placement: "top",
      fallbackPlacements: ["bottom", "top"],
      title: title,
      content: definition,
      customClass: "term-popover",
    });
    button.addEventListener("shown.bs.popover", () => {
      button.setAttribute("aria-expanded", "true");
      open.add(button);
    });
    button.addEventListener("hidden.bs.popover", () => {
      button.setAttribute("aria-expanded", "false");
      open.delete(button);
    });
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      const wasOpen = open.has(button);
      open.forEach(hide);
      if (!wasOpen) window.bootstrap.Popover.getInstance(button).show();
    });
  }

  document.querySelectorAll("a.term-ref[data-term-definition]").forEach(enhance);

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || open.size === 0) return;
    const focused = document.activeElement;
    open.forEach(hide);
    if (focused && focused.classList.contains("term-button")) focused.focus();
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".popover")) open.forEach(hide);
  });
})();
