// Small behaviours the CSP allows (no inline scripts): auto-submitting selects.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});

// A button data-fill="name" data-fill-value="v" sets every select marked
// data-fill-target="name" that nobody has chosen yet (attendance: 未选的设为出席).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-fill]");
  if (!button) return;
  var name = button.getAttribute("data-fill");
  var value = button.getAttribute("data-fill-value");
  document.querySelectorAll('select[data-fill-target="' + name + '"]').forEach(function (el) {
    if (!el.value) el.value = value;
  });
});

// A form marked data-confirm asks first: its action cannot be undone. Capture phase, so a
// refusal stops the form before anything else (the typing kept below) sees it sent.
// A button may carry its own (one form, several decisions: only 不予采用 asks).
// A form with a required field left empty is not asked: the server refuses it and says
// which field (the forms are novalidate, so its words are the ones shown), and "are you
// sure?" before a refusal asks about an action that cannot happen.
function requiredLeftEmpty(form) {
  if (!form || !form.querySelectorAll) return false;
  return Array.prototype.some.call(
    form.querySelectorAll("[required], [data-required]"),
    function (el) {
      if (el.disabled) return false;
      if (el.type === "checkbox") return !el.checked;
      if (el.type === "radio") {
        return !form.querySelector('input[type="radio"][name="' + el.name + '"]:checked');
      }
      return !String(el.value || "").trim();
    }
  );
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
    (form && form.getAttribute && form.getAttribute("data-confirm"));
  if (message && !requiredLeftEmpty(form) && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// What was typed survives a login that expired meanwhile. The idle timeout (SPEC security
// baseline) sends a form posted after it to the login page, and the post is gone; so every
// posted form's fields are kept in this tab (sessionStorage: gone with the tab) when it is
// sent, and put back when the login leads to the same page again. Any other page drops
// them: the post went through, or was answered with the typing kept by the server.
(function () {
  var PREFIX = "xs-keep:";
  var SKIPPED = { csrfmiddlewaretoken: true };
  var store;
  try {
    store = window.sessionStorage;
  } catch (e) {
    return; // storage disabled: nothing to keep
  }
  if (!store) return;

  function key(form) {
    return PREFIX + location.pathname + "|" + (form.getAttribute("action") || "");
  }

  function keepable(el) {
    return el.name && !SKIPPED[el.name] && el.type !== "password" && el.type !== "file" &&
      el.type !== "submit" && el.type !== "button";
  }

  // The login and second-factor pages, not every page under /accounts/ (接口令牌 is one).
  var LOGIN = /\/accounts\/(login|2fa)\//;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.method || "").toLowerCase() !== "post") return;
    // The login form itself is not kept: a wrong password would come back as "restored".
    if (LOGIN.test(location.pathname)) return;
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keepable(el)) return;
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) {
          fields.push([el.name, o.value, o.selected]);
        });
      } else {
        fields.push([el.name, el.value, null]);
      }
    });
    try {
      store.setItem(key(form), JSON.stringify(fields));
    } catch (e) { /* full: the post goes on regardless */ }
  }, true);

  function restore() {
    var fromLogin = LOGIN.test(document.referrer || "");
    var restored = false;
    if (fromLogin) {
      Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
        var saved = store.getItem(key(form));
        if (!saved) return;
        var fields;
        try { fields = JSON.parse(saved); } catch (e) { return; }
        fields.forEach(function (f) {
          var els = form.elements.namedItem(f[0]);
          if (!els) return;
          var list = els.length !== undefined && !els.tagName ? els : [els];
          Array.prototype.forEach.call(list, function (el) {
            if (!keepable(el)) return;
            if (el.type === "checkbox" || el.type === "radio") {
              if (el.value === f[1]) el.checked = f[2];
            } else if (el.tagName === "SELECT" && el.multiple) {
              Array.prototype.forEach.call(el.options, function (o) {
                if (o.value === f[1]) o.selected = f[2];
              });
            } else if (f[2] === null) {
              el.value = f[1];
            }
          });
        });
        restored = true;
        var note = document.createElement("div");
        note.className = "alert alert-info";
        note.setAttribute("role", "status");
        note.setAttribute("data-restored", "");
        var script = document.querySelector("script[data-restored]");
        note.textContent = script ? script.getAttribute("data-restored") : "";
        form.parentNode.insertBefore(note, form);
      });
    }
    // On the login pages themselves the kept fields wait; anywhere else they are done.
    if (restored || !LOGIN.test(location.pathname)) {
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        if (k && k.indexOf(PREFIX) === 0) store.removeItem(k);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else {
    restore();
  }
})();

// A navigation row that scrolls sideways on a phone (the portal's sections): bring the
// section being shown into view, so "开放数据" is not hidden past the right edge.
document.addEventListener("DOMContentLoaded", function () {
  var current = document.querySelector(".xs-portal-nav [aria-current]");
  var nav = current && current.parentElement;
  if (nav && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }
});

// A page answering a form (a refused action, with what was typed kept) is shown at the
// address the form posted to, /proposals/7/act/accept/ say, which a reload or a bookmark
// cannot open (405). Show the address of the page the form was on instead.
document.addEventListener("DOMContentLoaded", function () {
  var from = document.body.dataset.postedFrom;
  if (!from) return;
  try {
    var url = new URL(from);
    if (url.origin === location.origin && url.href !== location.href) {
      history.replaceState(null, "", url.pathname + url.search);
    }
  } catch (e) {
    // Not an address: leave the one shown.
  }
});
