"""Django's `{# … #}` comment ends on its own line: one spread over two lines is printed on the
page as text (the 社情民意 queue showed its "autocomplete" note to the office). Longer notes
use `{% comment %}`."""

from pathlib import Path

import xieshang

ROOT = Path(xieshang.__file__).parent


def test_no_template_comment_spans_lines():
    broken = []
    for path in sorted(ROOT.rglob("templates/**/*")):
        if path.suffix not in (".html", ".txt", ".xml", ".js") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            start = line.find("{#")
            while start != -1:
                end = line.find("#}", start + 2)
                if end == -1:
                    broken.append(f"{path.relative_to(ROOT)}:{number}")
                    break
                start = line.find("{#", end + 2)
    assert broken == []
