"""Domain synonyms the office can extend (`synonyms.txt`, plus the file named by the
TEXTSIM_SYNONYMS_FILE setting, same format).

`expand(text)` appends the usual name of every matter the text names in other words, so
"关于落实“双减”政策的提案" is compared as if it also said "减轻学生课业负担". Sentence vectors
and lexical features are both taken of the expanded text.
"""

import re
import threading
import unicodedata
from pathlib import Path

SYNONYMS_PATH = Path(__file__).with_name("synonyms.txt")

_groups: list[tuple[str, tuple[str, ...]]] | None = None
_lock = threading.Lock()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def parse(lines) -> list[tuple[str, tuple[str, ...]]]:
    """Groups of `(usual name, (every word of the group))` from lines of the file format."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0]
        words = [_fold(w) for w in line.replace(",", " ").replace("，", " ").split()]
        if len(words) >= 2:
            groups.append((words[0], tuple(dict.fromkeys(words))))
    return groups


def _paths() -> list[Path]:
    from django.conf import settings

    paths = [SYNONYMS_PATH]
    extra = getattr(settings, "TEXTSIM_SYNONYMS_FILE", "")
    if extra:
        paths.append(Path(extra))
    return paths


def groups() -> list[tuple[str, tuple[str, ...]]]:
    global _groups
    if _groups is None:
        with _lock:
            if _groups is None:
                loaded = []
                for path in _paths():
                    if path.exists():
                        loaded += parse(path.read_text(encoding="utf-8").splitlines())
                _groups = loaded
    return _groups


def reload() -> None:
    """Read the files again on next use (after the office edited them; tests)."""
    global _groups
    _groups = None


# The words every title wraps its matter in ("关于……的建议", "群众反映……", "如何……？"): left
# out of what is compared, so that two titles on different matters in the same wording do
# not look alike and the same matter in two wordings does.
_WRAPPING = re.compile(
    r"^(?:关于|对于|有关|群众反映|居民反映|市民反映|建议|如何)+"
    r"|(?:的(?:对策)?建议|的提案|的议案|的意见|建议|提案|议案)?[\s？?。！!]*$"
)


def core(text: str) -> str:
    """`text` without the wording every title shares; `text` itself if nothing else is left."""
    stripped = _WRAPPING.sub("", (text or "").strip())
    return stripped if len(stripped) >= 2 else text


def expand(text: str) -> str:
    """`text`, followed by the usual names of the matters it names in other words."""
    folded = _fold(text)
    names = [
        name for name, words in groups() if name not in folded and any(w in folded for w in words)
    ]
    if not names:
        return text
    return f"{text}（{'、'.join(dict.fromkeys(names))}）"
