// Search-as-you-type pickers (Tom Select) for the selects where scrolling is no way to choose:
// every multiple select, every select with more than MANY choices (the empty "---------"
// not counted, so the twelve months stay a plain select), and any select marked
// data-picker. data-no-picker keeps a select native.
//
// What is typed matches the option text and its data-pinyin attribute ("shicaizhengju sczj",
// rendered on the server by core.widgets), so "czj" or "caizheng" find 市财政局.
// The original <select> stays in the form and Tom Select keeps it in step, so a post without
// JavaScript, and a form re-rendered with errors, carry the chosen values as before.
// Loaded as a file from base.html (the CSP allows no inline script); the interface texts
// come translated from the attributes of that <script> tag.
(function () {
  "use strict";

  var MANY = 12;
  var script = document.currentScript;
  var texts = {
    noResults: (script && script.getAttribute("data-no-results")) || "No match",
    remove: (script && script.getAttribute("data-remove")) || "Remove",
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function wanted(select) {
    if (select.tomselect || select.hasAttribute("data-no-picker")) return false;
    if (select.hasAttribute("data-picker")) return true;
    if (select.multiple) return true;
    var choices = Array.prototype.filter.call(select.options, function (o) {
      return o.value !== "";
    });
    return choices.length > MANY;
  }

  // Assistive technology meets one control, the picker's text box: it is announced with
  // the field's <label> (Tom Select links a label[for] itself; else the select's own
  // aria-label or title) and carries the help text, the errors and the invalid state the
  // form put on the select, which is hidden from it (tabindex -1, so nothing focusable is).
  function labelControl(select, picker) {
    var input = picker.control_input;
    if (!input) return;
    if (!input.hasAttribute("aria-labelledby") && !input.hasAttribute("aria-label")) {
      var label = select.getAttribute("aria-label") || select.getAttribute("title");
      if (!label && select.labels && select.labels.length) {
        label = select.labels[0].textContent.trim();
      }
      if (label) input.setAttribute("aria-label", label);
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    });
    select.setAttribute("aria-hidden", "true");
  }

  function enhance(select) {
    if (typeof TomSelect === "undefined" || !wanted(select)) return;
    var multiple = select.multiple;
    var hasEmpty = Array.prototype.some.call(select.options, function (o) {
      return o.value === "";
    });
    var picker = new TomSelect(select, {
      // input_autogrow: the text box is only as wide as what is typed, so focusing a picker
      // never wraps it onto a second line (the page below would jump under the finger).
      plugins: multiple
        ? { remove_button: { title: texts.remove }, input_autogrow: {} }
        : { input_autogrow: {} },
      searchField: ["text", "pinyin"],
      // Filter on every keystroke (the options are all in the page): with Tom Select's
      // default 300 ms delay, Enter pressed right after typing took the option that was
      // highlighted before the list narrowed, and the late filtering reopened the list.
      refreshThrottle: 0,
      // The whole list stays reachable by scrolling, as in the native select.
      maxOptions: null,
      // An optional single choice keeps its "---------" to choose nothing again.
      allowEmptyOption: !multiple && hasEmpty,
      closeAfterSelect: !multiple,
      clearAfterSelect: multiple,
      hideSelected: multiple,
      // Inside a scrolling table the list would be cut off at the table's edge.
      dropdownParent: select.closest(".table-responsive") ? "body" : null,
      render: {
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(texts.noResults) + "</div>";
        },
      },
    });
    labelControl(select, picker);
  }

  function enhanceWithin(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select")) enhance(root);
    root.querySelectorAll("select").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceWithin(document);
  });
  // Content htmx swaps in (a form re-rendered with errors, a new row) gets its pickers too.
  document.addEventListener("htmx:load", function (event) {
    enhanceWithin(event.target);
  });
  // htmx keeps a snapshot of the page for the back button: store the plain selects, which
  // are enhanced again when the snapshot comes back.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("select.tomselected").forEach(function (select) {
      if (!select.tomselect) return;
      select.tomselect.destroy();
      select.removeAttribute("aria-hidden");
    });
  });
})();
