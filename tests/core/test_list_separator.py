"""Lists inside a sentence are joined with 、 in Chinese and ", " in English: a page in
English read "周奇 (Awaiting confirmation)、袁滢 (Awaiting confirmation)" because the
templates wrote the Chinese enumeration comma as a bare literal between the items."""

import re
from pathlib import Path

import xieshang

PACKAGE = Path(xieshang.__file__).parent
# A bare 、 right between two template tags or a tag and a value: `{% endif %}、{{ x }}`,
# `{% if not forloop.last %}、{% endif %}`, `|join:"、"`.
BARE = re.compile(r'%\}、\{[%{]|join:"、"')


def test_no_template_joins_items_with_a_bare_enumeration_comma():
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if BARE.search(path.read_text(encoding="utf-8"))
    )
    assert found == [], 'use {% translate "、" %} (", " in English)'
