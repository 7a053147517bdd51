"""Normalising and segmenting Chinese text.

Segmentation uses jieba with our domain dictionary (`dict.txt`). jieba builds its prefix
dictionary on first use (about a second, and it logs while doing so), so the tokenizer is
created lazily, once per process, and quietly.
"""

import logging
import re
import threading
import unicodedata
from pathlib import Path

DICT_PATH = Path(__file__).with_name("dict.txt")

# Function words and boilerplate that say nothing about what a text is about.
STOP_WORDS = frozenset(
    "的 了 和 与 及 或 在 是 对 为 把 被 将 从 向 等 并 也 就 都 而 但 其 之 于 以 由 "
    "关于 建议 提案 我区 我市 我县 进一步 加强 加快 推进 推动 完善 有关 相关 问题 工作".split()
)

_WORD = re.compile(r"\w+")
_tokenizer = None
_lock = threading.Lock()


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, punctuation and whitespace removed.

    Runs of letters and digits are kept apart by a single space so that callers can tell
    where punctuation used to be; CJK characters count as letters."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(_WORD.findall(text.replace("_", " ")))


def _get_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                tokenizer.load_userdict(str(DICT_PATH))
                _tokenizer = tokenizer
    return _tokenizer


def segment(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Words of `text` in order (jieba with the domain dictionary), normalised, without
    punctuation; stop words are dropped unless asked for."""
    cleaned = normalise(text)
    if not cleaned:
        return []
    words = []
    for run in cleaned.split(" "):
        for word in _get_tokenizer().cut(run, HMM=True):
            word = word.strip()
            if word and (keep_stop_words or word not in STOP_WORDS):
                words.append(word)
    return words
