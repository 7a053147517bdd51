// Proposal draft form: live body character count; the print page's print button.
// Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";

  // A new-record page's own key (core.page_keys: new proposal, 社情民意, duty entry, topic):
  // set here, not by the server, so that the browser restores it with the typed text when
  // the back button returns to the page, and posting again does not create a second record.
  document.querySelectorAll("input[data-draft-key]").forEach(function (input) {
    if (input.value) return;
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    input.value = Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  });

  function updateCount() {
    var counter = document.getElementById("body-count");
    if (!counter) return;
    var max = parseInt(counter.getAttribute("data-max"), 10) || 0;
    var total = 0;
    document.querySelectorAll("[data-body-part]").forEach(function (el) {
      // Characters as the server counts them (code points): an emoji is one, not the two
      // UTF-16 units of value.length.
      total += Array.from(el.value).length;
    });
    var label = counter.getAttribute("data-label") || "__N__ / __MAX__";
    counter.textContent = label.replace("__N__", total).replace("__MAX__", max);
    counter.classList.toggle("text-danger", max > 0 && total > max);
    counter.classList.toggle("fw-bold", max > 0 && total > max);
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches("[data-body-part]")) updateCount();
  });
  document.addEventListener("DOMContentLoaded", updateCount);
  // The print page's button (no inline handlers under the CSP).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
