// Search-as-you-type pickers (Tom Select) for the selects where scrolling is no way to choose:
// every multiple select, every select with more than MANY choices (the empty choice
// not counted, so the twelve months stay a plain select), and any select marked
// data-picker. data-no-picker keeps a select native.
//
// What is typed matches the option text and its data-pinyin attribute ("shicaizhengju sczj",
// rendered on the server by core.widgets), so "czj" or "caizheng" find 市财政局.
// The original <select> stays in the form and Tom Select keeps it in step, so a post without
// JavaScript, and a form re-rendered with errors, carry the chosen values as before.
//
// A select marked data-picker-source (core.pickers.ServerPicker) carries only its chosen
// option(s): the others are fetched, as the user types, from that URL (a JSON list already
// scoped to the user on the server), so a page never carries an option list that grows
// with the data. Its no-JavaScript text box (.xs-picker-fallback) is removed here.
// A multiple select marked data-picker-close-after-select closes its list after each choice
// (the co-signers on a phone: the open list covered the form's buttons).
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

  // Tom Select options for a server-searched select. Every answer is remembered under the
  // text it answers (Tom Select asks the server once per text), and the list shows only the
  // answer for the text in the box now, in the server's order (suggestions first): while
  // that answer is on its way the list is empty (a spinner), so Enter or a tap cannot take
  // a person from the answer to an older text. An answer that comes after the text has
  // changed again (the unfiltered list asked for on focus, a shorter text) is kept for that
  // text and shown only if the box holds it again. The text asked for is the box's own
  // value when the request goes out, after the pause in typing, not the one that started
  // the pause.
  function remote(select) {
    var source = select.getAttribute("data-picker-source");
    var answers = {}; // text -> {value: rank}, higher first
    var waiting = {}; // text -> callbacks of the loads waiting for its answer
    var typed = "";
    var dismissed = false; // the user closed the list with Escape and typed nothing since
    function key(query) {
      return (query || "").trim();
    }
    function ask(text, callback) {
      if (waiting[text]) {
        waiting[text].push(callback);
        return;
      }
      waiting[text] = [callback];
      var url =
        source + (source.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(
          function (data) {
            return data.results || [];
          },
          function () {
            return [];
          }
        )
        .then(function (results) {
          var ranks = {};
          results.forEach(function (item, index) {
            ranks[item.value] = results.length - index;
          });
          answers[text] = ranks;
          var callbacks = waiting[text];
          delete waiting[text];
          // Each waiting load ends (Tom Select counts them for its spinner); the options
          // are added to the picker's pool, and the score below decides what is shown.
          callbacks.forEach(function (done) {
            done(results);
          });
        });
    }
    return {
      load: function (query, callback) {
        var picker = this;
        var text = key(picker.inputValue ? picker.inputValue() : query);
        // Asked for another text than Tom Select meant: let it ask for that one again.
        if (text !== key(query)) delete picker.loadedSearches[query];
        if (Object.prototype.hasOwnProperty.call(answers, text)) {
          callback();
          return;
        }
        // Tom Select opens the list when an answer comes and the box has the focus: an
        // answer that comes after the user closed the list (a choice empties the box, which
        // asks for the whole list; Escape, then on to the form's button on a slow server)
        // must not open it again over the button.
        // (Locked, Tom Select does not open it; closing it after the answer is too late:
        // opening has already asked for the focus, which opens it again a moment later.)
        ask(text, function (results) {
          var keepClosed = dismissed && !picker.isOpen && !picker.isLocked;
          if (keepClosed) picker.lock();
          try {
            callback(results);
          } finally {
            if (keepClosed) picker.unlock();
          }
        });
      },
      onInitialize: function () {
        var picker = this;
        if (!picker.control_input) return;
        picker.control_input.addEventListener("keydown", function (event) {
          if (event.key === "Escape") dismissed = true;
          else if (event.key !== "Tab" && event.key !== "Shift") dismissed = false;
        });
        picker.control_input.addEventListener("input", function () {
          dismissed = false;
        });
      },
      shouldLoad: function () {
        return true;
      },
      preload: "focus",
      loadThrottle: 150,
      searchField: [],
      score: function (query) {
        var picker = this;
        typed = key(query);
        var ranks = answers[typed];
        if (!ranks && !waiting[typed] && !picker.loading) {
          // Nothing asked for this text (the box was emptied after a choice, say): ask.
          setTimeout(function () {
            var now = key(picker.inputValue());
            if (answers[now] || waiting[now] || picker.loading) return;
            delete picker.loadedSearches[now];
            picker.load(now);
          }, 0);
        }
        ranks = ranks || {};
        return function (item) {
          if (!answers[typed]) return 0;
          if (item.value === "") return typed ? 0 : 1000000;
          return ranks[item.value] || 0;
        };
      },
      // In the server's order, the empty choice ("（无）", "不提建议") first. Not by
      // Tom Select's $score and $order: with nothing typed it sorts by $order alone, and a
      // load restarts the numbering, so the empty choice tied with the first answer and
      // landed second or further down.
      sortField: function (a, b) {
        var ranks = answers[typed] || {};
        function rank(item) {
          return item.id === "" ? Infinity : ranks[item.id] || 0;
        }
        return rank(b) - rank(a) || 0;
      },
      maxOptions: 100,
    };
  }

  function enhance(select) {
    if (typeof TomSelect === "undefined" || !wanted(select)) return;
    var multiple = select.multiple;
    var hasEmpty = Array.prototype.some.call(select.options, function (o) {
      return o.value === "";
    });
    var fallback = select.parentNode
      ? select.parentNode.querySelector('.xs-picker-fallback[name="' + select.name + '__q"]')
      : null;
    if (fallback) fallback.remove();
    var settings = {
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
      closeAfterSelect: !multiple || select.hasAttribute("data-picker-close-after-select"),
      clearAfterSelect: multiple,
      hideSelected: multiple,
      // Inside a scrolling table the list would be cut off at the table's edge.
      dropdownParent: select.closest(".table-responsive") ? "body" : null,
      render: {
        no_results: function () {
          return '<div class="no-results">' + escapeHtml(texts.noResults) + "</div>";
        },
      },
    };
    if (select.hasAttribute("data-picker-source")) {
      Object.assign(settings, remote(select));
    }
    var picker = new TomSelect(select, settings);
    labelControl(select, picker);
    // Enter in a picker of a form that saves (method post) chooses from the list and never
    // sends the form: with no option highlighted (nothing matches yet, a chip selected) the
    // browser sent it, and a half-filled proposal was saved with one co-signer of two.
    // A filter form (method get) still searches on Enter.
    var form = select.form;
    if (form && (form.getAttribute("method") || "").toLowerCase() === "post" && picker.control_input) {
      picker.control_input.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.isComposing) event.preventDefault();
      });
    }
    // A phone's input method may end its composition without a last input event: search
    // the composed text all the same (nothing happens when it was searched already).
    if (select.hasAttribute("data-picker-source") && picker.control_input) {
      picker.control_input.addEventListener("compositionend", function () {
        picker.onInput();
      });
    }
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
