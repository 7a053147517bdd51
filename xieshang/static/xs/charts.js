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

  /* A pie's legend names every slice: the items wrap onto as many rows as the width needs
   * (a scrolling legend cut "Converted to opinions" to "Conver" behind a 1/3 pager in
   * English), and the canvas grows by those rows under a donut of the same size. ECharts
   * lays the rows out itself; this counts them the same way (12 px text after a 25 px icon
   * and 5 px, items 10 px apart, 5 px padding) to know the height. */
  var LEGEND_ROW = 24;
  /* ECharts' nine colours and seven more: a pie of more slices (the parties: 13) gave two
   * slices the same colour, and the legend could not tell 中国共产党 from 九三学社. */
  var MANY = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452",
    "#9a60b4", "#ea7ccc", "#8d6e63", "#00897b", "#c0ca33", "#5c6bc0", "#d81b60", "#78909c",
    "#ffa726"];
  var measure = null;

  function measuring(fontSize) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = fontSize + "px sans-serif";
    return measure;
  }

  function textWidth(labels, fontSize) {
    var m = measuring(fontSize), widest = 0;
    labels.forEach(function (label) { widest = Math.max(widest, m.measureText(label).width); });
    return widest;
  }

  function legendRows(labels, width, fontSize) {
    measuring(fontSize);
    var rows = 1, x = 0, room = Math.max(width - 10, 1);
    labels.forEach(function (label) {
      var item = 25 + 5 + measure.measureText(label).width;
      if (x > 0 && x + item > room) { rows += 1; x = 0; }
      x += item + 10;
    });
    return rows;
  }

  function pieHeight(el, spec, dark) {
    var base = el.getAttribute("data-chart-base");
    if (!base) {
      base = String(el.clientHeight || 280);
      el.setAttribute("data-chart-base", base);
    }
    base = Number(base);
    var rows = legendRows(spec.labels, el.clientWidth, dark ? 16 : 12);
    return { base: base, rows: rows, height: base + (rows - 1) * LEGEND_ROW };
  }

  /* Bars of many names (the 23 handling units of the work report): slanted under the
   * bars, the names were too many for the width, ECharts dropped every other one
   * (hideOverlap) and cut the rest at 120 px, and a wall display showed bars nobody could
   * name. When the slanted names would not all fit whole (a name longer than 120 px, or
   * neighbours closer than a slanted line of text needs), the bars lie down: every name on
   * its own row at the left, broken onto a second line when long, the value written at
   * the end of each bar (the wall has no data table to open), and the canvas grows with
   * the rows. Twelve months, or names with room side by side, stay upright. */
  function sideBySide(spec, dark, el) {
    var pitch = ((el.clientWidth || 600) - 60) / spec.labels.length;
    return pitch >= textWidth(spec.labels, dark ? 16 : 12) + 8;
  }

  function lying(spec, dark, el) {
    if (spec.kind !== "bar" || spec.labels.length <= 6 || sideBySide(spec, dark, el)) {
      return false;
    }
    var fontSize = dark ? 16 : 12;
    var pitch = ((el.clientWidth || 600) - 60) / spec.labels.length;
    return textWidth(spec.labels, fontSize) > 120 || pitch < 2.6 * fontSize;
  }

  function horizontal(base, spec, dark, el, textColor, many) {
    var fontSize = dark ? 16 : 12;
    var width = el.clientWidth || 600;
    var nameWidth = Math.round(Math.min(textWidth(spec.labels, fontSize) + 4,
      Math.max(width * 0.4, 80)));
    /* A row holds one bar per series and room for a name broken onto two lines. */
    var row = Math.max(2 * fontSize + 10, spec.series.length * (fontSize + 4) + 10);
    var height = row * spec.labels.length + (many ? 40 : 16) + fontSize + 16;
    if (el.clientHeight !== height) el.style.height = height + "px";
    base.grid = { left: 8, right: 48, top: many ? 32 : 8, bottom: 8, containLabel: true };
    base.yAxis = {
      type: "category",
      inverse: true,
      data: spec.labels,
      axisLabel: { interval: 0, color: textColor, width: nameWidth, overflow: "break",
        fontSize: fontSize, lineHeight: fontSize + 2 }
    };
    base.xAxis = {
      type: "value",
      axisLabel: { color: textColor, formatter: axisFormat(spec.unit), fontSize: fontSize }
    };
    if (spec.integer) base.xAxis.minInterval = 1;
    var unitSep = spec.unit && /^[A-Za-z]/.test(spec.unit) ? " " : "";
    base.series = spec.series.map(function (s) {
      return {
        type: "bar", name: s.name, data: s.data, barMaxWidth: fontSize + 2,
        label: { show: true, position: "right", color: textColor,
          formatter: "{c}" + unitSep + (spec.unit || "") }
      };
    });
    return base;
  }

  function options(spec, dark, el) {
    var textColor = dark ? "#f1f3f5" : "#212529";
    var base = {
      animation: !reduced,
      backgroundColor: "transparent",
      textStyle: { color: textColor, fontSize: dark ? 16 : 12 },
      tooltip: { renderMode: "richText", trigger: spec.kind === "pie" ? "item" : "axis" },
      aria: { enabled: false }
    };
    if (spec.kind === "pie") {
      var size = pieHeight(el, spec, dark);
      if (el.clientHeight !== size.height) el.style.height = size.height + "px";
      /* The donut keeps the place and size it had over a one-row legend. */
      var r = Math.min(el.clientWidth || size.base, size.base) / 2;
      /* Beside the donut: the name and count, a long name broken onto more lines; too
       * narrow for words (a phone; the wall screen's larger text), the count only (the
       * legend names the slices). */
      var room = (el.clientWidth || 0) / 2 - 0.68 * r - 30;
      base.legend = { type: "plain", bottom: 0, textStyle: { color: textColor } };
      if (spec.labels.length > 9) base.color = MANY;
      base.series = [{
        type: "pie",
        radius: [0.4 * r, 0.68 * r],
        center: ["50%", 0.45 * size.base],
        label: {
          formatter: room < (dark ? 110 : 80) ? "{c}" : "{b}: {c}",
          color: textColor,
          overflow: "break",
          width: Math.max(room, 40)
        },
        data: spec.labels.map(function (label, i) {
          return { name: label, value: spec.series[0].data[i] };
        })
      }];
      return base;
    }
    var many = spec.series.length > 1;
    if (many) base.legend = { top: 0, textStyle: { color: textColor } };
    if (lying(spec, dark, el)) {
      return horizontal(base, spec, dark, el, textColor, many);
    }
    el.style.height = "";  /* upright again (a wider window): the stylesheet's height */
    /* Names slant only when they would not fit side by side (cut at 120 px when they do:
     * "委员活动小组…" on a wide wall that had room for the whole name). */
    var rotate = spec.labels.length > 6 && !sideBySide(spec, dark, el) ? 30 : 0;
    base.grid = { left: 8, right: 16, top: many ? 32 : 16, bottom: 8, containLabel: true };
    base.xAxis = {
      type: "category",
      data: spec.labels,
      axisLabel: { interval: 0, hideOverlap: true, color: textColor, rotate: rotate,
        fontSize: dark ? 16 : 12 }
    };
    if (rotate) {
      /* A slanted name reaches left of its bar, past the value axis's labels: the first
       * ones were cut at the edge ("…街道办事处"). The grid leaves the room (a name of
       * up to 120 px; a longer one ends in "…"). */
      var longest = Math.min(120, textWidth(spec.labels, dark ? 16 : 12));
      base.grid.left = Math.max(8, Math.round(0.87 * longest - 45));
      base.xAxis.axisLabel.width = 120;
      base.xAxis.axisLabel.overflow = "truncate";
    }
    /* An axis's names and numbers take the page's text size (ECharts draws them at 12 px
     * whatever the theme): the wall screen's 16 px, read from across the room. */
    base.yAxis = {
      type: "value",
      axisLabel: { color: textColor, formatter: axisFormat(spec.unit), fontSize: dark ? 16 : 12 }
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
      chart.setOption(options(spec, dark, el));
      chart.resize();
      if (window.ResizeObserver) {
        new ResizeObserver(function () {
          /* A pie's legend may take more or fewer rows at the new width; lying bars'
           * names more or fewer lines. */
          if (spec.kind === "pie" || spec.kind === "bar") {
            chart.setOption(options(spec, dark, el), true);
          }
          chart.resize();
        }).observe(el);
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
