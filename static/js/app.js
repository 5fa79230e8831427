// Parcours RSA: small behaviours around htmx, for keyboard and screen-reader users.
(function () {
  "use strict";
  // The record's forms (in #panneau) answer 422 (invalid) or 409 (edited
  // meanwhile) with the form and its French messages: show them in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 422 || status === 409) && target && target.closest && target.closest("#panneau")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a swap, move the focus where the user's attention should go: the
  // first field of a form that just opened, the first error of a refused
  // form, or the status message of a successful save. Only what the swap
  // brought counts: a section that loads by itself later (the record's
  // appointments) must not pull the focus back to the status message while
  // the user has moved on with the keyboard.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    if (!root || !root.querySelector) {
      return;
    }
    var recordReplaced = root.id === "fiche" || !root.isConnected;
    var target =
      root.querySelector("[data-focus-first-error] .is-invalid, [data-focus-first-error] .alert-danger") ||
      root.querySelector("[data-autofocus]") ||
      (recordReplaced && document.querySelector("#fiche [data-autofocus]"));
    if (target) {
      if (!target.hasAttribute("tabindex") && !/INPUT|SELECT|TEXTAREA|BUTTON|A/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });
})();
