"""Server-side half of the responsive list pattern (`{% listtable %}` in templatetags/xs).

A list table is written once, as a table. On a phone site.css shows each body row as a
card; for that every cell must say which column it belongs to. Rather than repeat each
column's label in every cell of every template, this copies it from the header: each body
cell of the outermost table gets `data-label="<header text>"` plus the header cell's
`xs-col-*` classes. It works without JavaScript, and the markup stays a real table for
screen readers and the desktop.
"""

from html import escape
from html.parser import HTMLParser

CELL_TAGS = ("td", "th")
# Elements whose presence makes a cell non-empty even without text.
CONTENT_TAGS = {"a", "button", "img", "input", "select", "svg", "textarea", "progress", "meter"}


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def _with(attrs, name: str, value: str, *, append: bool = False):
    """attrs with `name` set to value (appended to an existing value when `append`)."""
    out, done = [], False
    for key, old in attrs:
        if key == name and not done:
            old = old or ""
            out.append((key, f"{old} {value}".strip() if append else value))
            done = True
        else:
            out.append((key, old))
    if not done:
        out.append((name, value))
    return out


class _Annotator(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self.line_starts.append(i + 1)
        self.edits: list[tuple[int, int, str]] = []
        self.depth = 0  # <table> nesting; only the outermost table is a list
        self.in_head = False
        self.headers: list[tuple[str, list[str]]] = []
        self.header_text: list[str] | None = None
        self.header_classes: list[str] = []
        self.header_span = 1
        self.col = 0
        # The open body cell: (offset, length, tag, attrs, has_content)
        self.cell: list | None = None

    # --- positions -----------------------------------------------------------------------
    def _span(self) -> tuple[int, int]:
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        return start, len(self.get_starttag_text() or "")

    # --- header --------------------------------------------------------------------------
    def _close_header(self):
        if self.header_text is not None:
            label = " ".join("".join(self.header_text).split())
            self.headers.extend([(label, self.header_classes)] * self.header_span)
            self.header_text = None

    # --- body cells ----------------------------------------------------------------------
    def _close_cell(self):
        if self.cell is None:
            return
        start, length, tag, attrs, has_content, classes, label = self.cell
        self.cell = None
        if not has_content:
            classes = [*classes, "xs-empty"]
        if label:
            attrs = _with(attrs, "data-label", label)
        if classes:
            attrs = _with(attrs, "class", " ".join(classes), append=True)
        self.edits.append((start, start + length, _start_tag(tag, attrs)))

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                start, length = self._span()
                new = _start_tag(tag, _with(attrs, "class", "xs-list", append=True))
                self.edits.append((start, start + length, new))
                return
        if self.depth != 1:
            if self.cell is not None:
                self.cell[4] = True
            return
        if tag == "thead":
            self.in_head = True
        elif tag in ("tbody", "tfoot"):
            self._close_header()
            self.in_head = False
        elif tag == "tr":
            self._close_header()
            self._close_cell()
            self.col = 0
        elif tag in CELL_TAGS and self.in_head:
            self._close_header()
            values = dict(attrs)
            self.header_text = []
            self.header_classes = [
                c for c in (values.get("class") or "").split() if c.startswith("xs-col-")
            ]
            self.header_span = _int(values.get("colspan"))
        elif tag in CELL_TAGS:
            self._close_cell()
            values = dict(attrs)
            span = _int(values.get("colspan"))
            start, length = self._span()
            if self.headers and span >= len(self.headers) > 1:
                label, classes = "", ["xs-full"]
            elif self.col < len(self.headers):
                label, classes = self.headers[self.col]
                classes = [c for c in classes if c not in (values.get("class") or "").split()]
            else:
                label, classes = "", []
            self.cell = [start, length, tag, attrs, False, classes, label]
            self.col += span
        elif self.cell is not None and tag in CONTENT_TAGS:
            self.cell[4] = True
        elif self.header_text is not None and tag == "img":
            self.header_text.append(dict(attrs).get("alt") or "")

    def handle_startendtag(self, tag, attrs):
        if self.cell is not None and tag in CONTENT_TAGS:
            self.cell[4] = True

    def handle_endtag(self, tag):
        if tag == "table":
            if self.depth == 1:
                self._close_header()
                self._close_cell()
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if tag in CELL_TAGS:
            self._close_header()
            self._close_cell()
        elif tag == "thead":
            self._close_header()
            self.in_head = False
        elif tag in ("tr", "tbody", "tfoot"):
            self._close_cell()

    def handle_data(self, data):
        if self.depth != 1:
            return
        if self.header_text is not None:
            self.header_text.append(data)
        elif self.cell is not None and data.strip():
            self.cell[4] = True

    def result(self) -> str:
        out, last = [], 0
        for start, end, text in sorted(self.edits):
            out.append(self.html[last:start])
            out.append(text)
            last = end
        out.append(self.html[last:])
        return "".join(out)


def _int(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def annotate(html: str) -> str:
    """`html` with every body cell of its outermost table labelled from the header."""
    parser = _Annotator(html)
    parser.feed(html)
    parser.close()
    return parser.result()
