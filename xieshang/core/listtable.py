"""Server-side half of the responsive list pattern (`{% listtable %}` in templatetags/xs).

A list table is written once, as a table. On a phone site.css shows each body row as a
card; for that every cell must say which column it belongs to. Rather than repeat each
column's label in every cell of every template, this copies it from the header: each body
cell of the outermost table gets `data-label="<header text>"` plus the header cell's
`xs-col-*` classes, and `xs-empty` when it has nothing to show. It works without
JavaScript, and the markup stays a real table for screen readers and the desktop.

Only the table's own tags are looked at (a tokenizer over table/thead/tbody/tfoot/tr/td/th
start and end tags); everything else is copied through untouched. A full HTML parser cost
~100 ms for a 50-row page; this costs a few.
"""

import re
from html import escape, unescape

_ATTRS = r"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_TAG = re.compile(r"<(/?)(table|thead|tbody|tfoot|tr|td|th)\b" + _ATTRS + ">", re.I)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_SPAN = {
    name: re.compile(rf"""\b{name}\s*=\s*["']?(\d+)""", re.I) for name in ("colspan", "rowspan")
}
_ANY_TAG = re.compile(r"<[^>]*>")
# Some text outside the tags: a character other than space or "<" at the start or after ">".
_HAS_TEXT = re.compile(r"(?:^|>)\s*[^<\s]")
# Elements that make a cell worth showing even without text.
_CONTENT = re.compile(r"<(a|button|img|input|select|svg|textarea|progress|meter)\b", re.I)


def _classes(attrs: str) -> list[str]:
    m = _CLASS.search(attrs)
    return (m.group(1) if m and m.group(1) is not None else (m.group(2) if m else "")).split()


def _span(attrs: str, name: str = "colspan") -> int:
    m = _SPAN[name].search(attrs)
    return max(1, int(m.group(1))) if m else 1


def _text(fragment: str) -> str:
    return " ".join(unescape(_ANY_TAG.sub(" ", fragment)).split())


def _cell_tag(tag: str, attrs: str, label: str, extra: list[str]) -> str:
    have = _classes(attrs)
    add = [c for c in extra if c not in have]
    if add:
        merged = escape(" ".join([*have, *add]), quote=True)
        if _CLASS.search(attrs):
            attrs = _CLASS.sub(lambda _m: f'class="{merged}"', attrs, count=1)
        else:
            attrs = f'{attrs} class="{merged}"'
    if label:
        attrs = f'{attrs} data-label="{escape(label, quote=True)}"'
    return f"<{tag}{attrs}>"


def _column(cells: list[tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """One column's label and classes from its header cells, top to bottom: a group header
    over a column reads "提案 · 收到"."""
    labels = [label for label, _extra in cells if label]
    kept = [
        label
        for i, label in enumerate(labels)
        if label not in labels[:i]
        and not any(label != other and label in other for other in labels)
    ]
    return " · ".join(kept), [c for _label, extra in cells for c in extra]


def annotate(html: str) -> str:
    """`html` with every body cell of its outermost table labelled from the header."""
    tokens = list(_TAG.finditer(html))
    out: list[str] = []
    last = 0
    depth = 0
    in_head = False
    headers: list[tuple[str, list[str]]] = []
    # Header cells by column, over every header row (a group header with colspan above its
    # columns, a rowspan cell beside them): each column's label joins what stands above it.
    grid: dict[int, list[tuple[str, list[str]]]] = {}
    covered: set[tuple[int, int]] = set()  # (header row, column) taken by a rowspan above
    head_row = -1
    col = 0
    for i, m in enumerate(tokens):
        closing, tag, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if tag == "table":
            depth += -1 if closing else 1
            if not closing and depth == 1 and "xs-list" not in _classes(attrs):
                out.append(html[last : m.start()])
                out.append(_cell_tag(m.group(2), attrs, "", ["xs-list"]))
                last = m.end()
            continue
        if depth != 1 or closing:
            if depth == 1 and tag == "thead":
                in_head = False
            continue
        if tag == "thead":
            in_head = True
        elif tag in ("tbody", "tfoot"):
            in_head = False
        elif tag == "tr":
            col = 0
            if in_head:
                head_row += 1
        elif in_head:  # a header cell: its text up to the next table tag is the label
            end = tokens[i + 1].start() if i + 1 < len(tokens) else len(html)
            label = _text(html[m.end() : end])
            extra = [c for c in _classes(attrs) if c.startswith("xs-col-")]
            while (head_row, col) in covered:
                col += 1
            for c in range(col, col + _span(attrs)):
                grid.setdefault(c, []).append((label, extra))
                for below in range(1, _span(attrs, "rowspan")):
                    covered.add((head_row + below, c))
            col += _span(attrs)
        else:  # a body cell
            if grid and not headers:
                headers = [_column(grid[c]) for c in sorted(grid)]
            span = _span(attrs)
            end = tokens[i + 1].start() if i + 1 < len(tokens) else len(html)
            body = html[m.end() : end]
            if headers and span >= len(headers) > 1:
                label, extra = "", ["xs-full"]
            elif col < len(headers):
                label, extra = headers[col][0], list(headers[col][1])
            else:
                label, extra = "", []
            if not _HAS_TEXT.search(body) and not _CONTENT.search(body):
                extra.append("xs-empty")
            col += span
            out.append(html[last : m.start()])
            out.append(_cell_tag(m.group(2), attrs, label, extra))
            last = m.end()
    out.append(html[last:])
    return "".join(out)
