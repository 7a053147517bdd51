// Proposal draft form: live body character count and a name filter for the co-signer list.
// Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";

  function updateCount() {
    var counter = document.getElementById("body-count");
    if (!counter) return;
    var max = parseInt(counter.getAttribute("data-max"), 10) || 0;
    var total = 0;
    document.querySelectorAll("[data-body-part]").forEach(function (el) {
      total += el.value.length;
    });
    var label = counter.getAttribute("data-label") || "__N__ / __MAX__";
    counter.textContent = label.replace("__N__", total).replace("__MAX__", max);
    counter.classList.toggle("text-danger", max > 0 && total > max);
    counter.classList.toggle("fw-bold", max > 0 && total > max);
  }

  function filterOptions(input) {
    var select = document.getElementById(input.getAttribute("data-filter-target"));
    if (!select) return;
    var needle = input.value.trim();
    Array.prototype.forEach.call(select.options, function (option) {
      // Selected people stay visible so that nobody is dropped by accident.
      option.hidden = needle !== "" && !option.selected && option.text.indexOf(needle) === -1;
    });
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches("[data-body-part]")) updateCount();
    if (el.matches("[data-filter-target]")) filterOptions(el);
  });
  document.addEventListener("DOMContentLoaded", updateCount);
  // The print page's button (no inline handlers under the CSP).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
