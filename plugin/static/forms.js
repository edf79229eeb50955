/* Refused forms: focus the error summary, and let its links focus their input.
   The page works without this file; it only moves focus where a keyboard or
   screen-reader user needs it next. */
(function () {
  "use strict";

  function focusInput(id) {
    var input = document.getElementById(id);
    if (!input) { return false; }
    var folded = input.closest("details");
    if (folded) { folded.open = true; }
    input.focus();
    input.scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
    document.querySelectorAll("a[data-focus-input]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (focusInput(link.getAttribute("href").slice(1))) { event.preventDefault(); }
      });
    });
  });
})();
