"""Chart specs for `charts/chart.html` (ECharts, drawn by static/xs/charts.js).

A chart is built in Python from figures a selector already computed — never a second
computation — as a plain dict:

- ``id``: the DOM id of the figure (the data block is ``<id>-data``);
- ``title``: the caption;
- ``kind``: ``bar``, ``line`` or ``pie``;
- ``labels`` and ``series`` (``[{"name": ..., "data": [...]}]``): what ECharts draws (a
  series may add ``"missing"``: what its table says for a point without a value, which is
  then drawn as no bar rather than 0);
- ``summary``: one sentence saying what the chart shows, read out instead of the canvas;
- ``headers`` and ``rows``: the same numbers as a table, the fallback for screen readers,
  for printing and for anyone without JavaScript;
- ``integer``: every value is a whole number (a count), so the axis ticks whole numbers.

The options handed to ECharts are assembled in charts.js from these few keys, so the page
carries data, not code, and the strict CSP (no eval, no inline script) is kept.
"""

from django.utils.translation import gettext as _


def _number(value) -> float | int:
    return 0 if value is None else value


def _missing(s: dict, i: int) -> str:
    """What a series with `missing` says for its point `i` that has no value: one text for
    every point, or one per point."""
    missing = s["missing"]
    return str(missing if isinstance(missing, str) else missing[i])


def _spec(id: str, kind: str, title: str, labels, series, summary: str, unit: str = "") -> dict:
    """A series given `missing` (a text, or one per point) keeps a point without a value
    (None) as no value, drawn as no bar, and its table cell says the text: a rate over
    nothing (a unit with no answer yet) is not 0 %. Other series draw None as 0."""
    labels = [str(label) for label in labels]
    drawn = [
        [v if v is None and s.get("missing") is not None else _number(v) for v in s["data"]]
        for s in series
    ]
    cells = [
        [{"missing": _missing(s, i)} if v is None else v for i, v in enumerate(data)]
        for s, data in zip(series, drawn, strict=True)
    ]
    series = [{"name": str(s["name"]), "data": data} for s, data in zip(series, drawn, strict=True)]
    headers = [_("项目"), *[s["name"] for s in series]]
    rows = [[label, *[c[i] for c in cells]] for i, label in enumerate(labels)]
    return {
        "id": id,
        "data_id": f"{id}-data",
        "kind": kind,
        "title": str(title),
        "labels": labels,
        "series": series,
        "unit": unit,
        # A unit that is a word (English "item(s)") stands apart from its number; 件 and %
        # follow it directly.
        "unit_gap": " " if str(unit)[:1].isascii() and str(unit)[:1].isalpha() else "",
        "summary": summary,
        "headers": headers,
        "rows": rows,
        "empty": not any(any(s["data"]) for s in series),
        # Counts (every value a whole number): the value axis ticks whole numbers only, no
        # "0.5 人次" between 0 and 1 (charts.js sets ECharts' minInterval).
        "integer": all(
            isinstance(v, int) and not isinstance(v, bool)
            for data in drawn
            for v in data
            if v is not None
        ),
    }


def _largest(labels, values) -> tuple[str, float, bool] | None:
    """(the name, the value, tied): the label of the largest value, or the labels of all
    that share it joined ("区教育局、区住建局") and tied True."""
    pairs = [(str(label), v) for label, v in zip(labels, values, strict=True) if v]
    if not pairs:
        return None
    top = max(v for _label, v in pairs)
    names = [label for label, v in pairs if v == top]
    return _("、").join(names), top, len(names) > 1


def bar(id: str, title: str, labels, series, *, unit: str = "", summary: str = "") -> dict:
    """Grouped bars: `series` is a list of {"name", "data"} aligned with `labels`."""
    if not summary:
        top = _largest(labels, series[0]["data"]) if series else None
        if top is None:
            summary = _("%(title)s：暂无数据。") % {"title": title}
        else:
            name, value, tied = top
            summary = (
                _("%(title)s：%(name)s并列最高，均为%(value)s%(unit)s。")
                if tied
                else _("%(title)s：%(name)s最高，为%(value)s%(unit)s。")
            ) % {"title": title, "name": name, "value": value, "unit": unit}
    return _spec(id, "bar", title, labels, series, summary, unit)


def line(id: str, title: str, labels, series, *, unit: str = "", summary: str = "") -> dict:
    """Lines over time (months, years): `labels` are the points in order."""
    if not summary:
        values = series[0]["data"] if series else []
        summary = (
            _("%(title)s：从%(first)s的%(a)s%(unit)s到%(last)s的%(b)s%(unit)s。")
            % {
                "title": title,
                "first": labels[0],
                "last": labels[-1],
                "a": _number(values[0]),
                "b": _number(values[-1]),
                "unit": unit,
            }
            if values and any(values)
            else _("%(title)s：暂无数据。") % {"title": title}
        )
    return _spec(id, "line", title, labels, series, summary, unit)


def pie(id: str, title: str, labels, values, *, unit: str = "", summary: str = "") -> dict:
    """Shares of a whole (drawn as a donut)."""
    total = sum(_number(v) for v in values)
    if not summary:
        top = _largest(labels, values)
        if top is None:
            summary = _("%(title)s：暂无数据。") % {"title": title}
        else:
            name, value, tied = top
            summary = (
                _("%(title)s：共%(total)s%(unit)s，其中%(name)s并列最多，均为%(value)s%(unit)s。")
                if tied
                else _("%(title)s：共%(total)s%(unit)s，其中%(name)s最多，为%(value)s%(unit)s。")
            ) % {"title": title, "total": total, "name": name, "value": value, "unit": unit}
    return _spec(id, "pie", title, labels, [{"name": title, "data": values}], summary, unit)
