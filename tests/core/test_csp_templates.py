"""No template carries an inline style attribute or event handler: the Content Security Policy
(style-src and script-src 'self') makes the browser refuse them, which otherwise only the slow
browser crawl notices, one page at a time."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "xieshang"
INLINE = re.compile(r"""\sstyle=["']|\son[a-z]+=["']""")


def test_no_template_has_an_inline_style_or_event_handler():
    found = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()[:120]}")
    assert found == [], "move these to static CSS/JS:\n" + "\n".join(found)
