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

// A posted form is sent once. A second click, or Enter, while the first post is on its way
// sent it again (two proposals, two registrations). Once a post leaves, the form's submit
// buttons are disabled and the one used says 提交中…; a second submit event is refused.
// The buttons are disabled after the submit event (setTimeout 0), not during it: a disabled
// button is left out of the post, and 保存草稿 / 保存并提交 are told apart by its name.
// A submit another handler cancelled (a refused confirm, htmx taking the form over) does
// not lock. Searches and filters (GET) never lock. A page brought back by the back button
// (bfcache) is unlocked. A form marked data-download answers with a file, the page stays:
// it is unlocked after a few seconds. htmx posts lock while their request runs.
(function () {
  var script = document.currentScript;
  var WORKING = (script && script.getAttribute("data-submitting")) || "提交中…";
  var DOWNLOAD_MS = 4000;

  function attr(submitter, form, name) {
    if (submitter && submitter.hasAttribute && submitter.hasAttribute("form" + name)) {
      return submitter.getAttribute("form" + name);
    }
    return form.getAttribute(name);
  }

  function guarded(form, submitter) {
    if ((attr(submitter, form, "method") || "get").toLowerCase() !== "post") return false;
    // A post opening another tab or window leaves this page as it was.
    var target = attr(submitter, form, "target");
    return !target || target === "_self";
  }

  function lock(form, submitter) {
    form.xsSubmitting = true;
    form.setAttribute("aria-busy", "true");
    var shown = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type !== "submit" || el.disabled) return; // one the page disabled stays so
      el.disabled = true;
      el.xsLocked = true;
      if (!shown || el === submitter) shown = el;
    });
    if (shown && shown.tagName === "BUTTON") {
      shown.xsLabel = shown.innerHTML;
      shown.textContent = WORKING;
    }
  }

  function unlock(form) {
    form.xsSubmitting = false;
    form.removeAttribute("aria-busy");
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.xsLocked) return;
      el.disabled = false;
      el.xsLocked = false;
      if (el.xsLabel !== undefined) {
        el.innerHTML = el.xsLabel;
        delete el.xsLabel;
      }
    });
  }

  // Capture phase: the second submit is stopped before anything else sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") return;
    var submitter = event.submitter;
    if (!guarded(form, submitter)) return;
    if (form.xsSubmitting) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.xsSubmitting = true;
    setTimeout(function () {
      if (event.defaultPrevented) {
        // Cancelled, or htmx's: its request (below) locked the form if it posts.
        if (!form.hasAttribute("aria-busy")) form.xsSubmitting = false;
        return;
      }
      lock(form, submitter);
      if (form.hasAttribute("data-download")) {
        setTimeout(function () {
          unlock(form);
        }, DOWNLOAD_MS);
      }
    }, 0);
  }, true);

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form").forEach(function (form) {
      if (form.xsSubmitting || form.hasAttribute("aria-busy")) unlock(form);
    });
  });

  // htmx posts a form itself (the sign-in board's 出席 / 迟到): lock it while the request
  // runs. Only a submit: a form htmx sends on each change (a preview) keeps its buttons.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail && event.detail.elt;
    var config = event.detail && event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    if (!form || form.tagName !== "FORM" || !trigger || trigger.type !== "submit") return;
    if ((config.verb || "get").toLowerCase() === "get") return;
    lock(form, trigger.submitter);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form && form.tagName === "FORM" && form.hasAttribute("aria-busy")) unlock(form);
  });
})();
