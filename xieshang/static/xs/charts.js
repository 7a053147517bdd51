/* Draws every chart on the page from its JSON data block (templates/charts/chart.html).
 * The options are built here from a few data keys, so pages carry data, never code, and
 * the strict CSP holds: no eval, tooltips drawn inside the SVG (richText) rather than as
 * HTML with inline style attributes. Runs on load and after every htmx swap. */
(function () {
  "use strict";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* The value axis's label: "50件" and "50%" in Chinese, but a word after a number takes a
   * space in English ("50 item(s)", not "50item(s)"). */
  function axisFormat(unit) {
    if (!unit) return "{value}";
    return "{value}" + (/^[A-Za-z]/.test(unit) ? " " : "") + unit;
  }

  function options(spec, dark) {
    var textColor = dark ? "#f1f3f5" : "#212529";
    var base = {
      animation: !reduced,
      backgroundColor: "transparent",
      textStyle: { color: textColor, fontSize: dark ? 16 : 12 },
      tooltip: { renderMode: "richText", trigger: spec.kind === "pie" ? "item" : "axis" },
      aria: { enabled: false }
    };
    if (spec.kind === "pie") {
      base.legend = { type: "scroll", bottom: 0, textStyle: { color: textColor } };
      base.series = [{
        type: "pie",
        radius: ["40%", "68%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}: {c}", color: textColor },
        data: spec.labels.map(function (label, i) {
          return { name: label, value: spec.series[0].data[i] };
        })
      }];
      return base;
    }
    var many = spec.series.length > 1;
    if (many) base.legend = { top: 0, textStyle: { color: textColor } };
    base.grid = { left: 8, right: 16, top: many ? 32 : 16, bottom: 8, containLabel: true };
    base.xAxis = {
      type: "category",
      data: spec.labels,
      axisLabel: { interval: 0, hideOverlap: true, color: textColor, rotate: spec.labels.length > 6 ? 30 : 0 }
    };
    base.yAxis = {
      type: "value",
      axisLabel: { color: textColor, formatter: axisFormat(spec.unit) }
    };
    /* Counts tick whole numbers: no "0.5 人次" on an axis of attendances. */
    if (spec.integer) base.yAxis.minInterval = 1;
    base.series = spec.series.map(function (s) {
      return { type: spec.kind, name: s.name, data: s.data, smooth: false, barMaxWidth: 36 };
    });
    return base;
  }

  function draw(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (window.echarts.getInstanceByDom(el)) return;
      var block = document.getElementById(el.getAttribute("data-chart"));
      if (!block) return;
      var spec = JSON.parse(block.textContent);
      var dark = !!el.closest("[data-chart-theme=dark]");
      var chart = window.echarts.init(el, dark ? "dark" : null, { renderer: "svg" });
      chart.setOption(options(spec, dark));
      if (window.ResizeObserver) {
        new ResizeObserver(function () { chart.resize(); }).observe(el);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!window.echarts) return;
    event.detail.target.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) chart.dispose();
    });
  });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
