"""Reading a PDF back for tests, and what in it comes from the English UI catalogue.

Official documents are Chinese whatever language the user browses in (docs/decisions.md):
`english_words(content)` lists the words of the document's text that the English
translation of the interface uses ("Meetings", "attended", "progress"), so a test asks for a
document with the English cookie and asserts there are none. Addresses (the certificate's
verification link) are left out; a verification code is capitals and digits, never a word.
"""

import gettext
import io
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from pypdf import PdfReader

CATALOGUE = Path(settings.BASE_DIR) / "xieshang" / "locale" / "en" / "LC_MESSAGES" / "django.mo"
_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
_ADDRESS = re.compile(r"\S*://\S*")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@cache
def catalogue_words() -> frozenset[str]:
    """Every word of three letters or more in the English translations, in lower case."""
    # The compiled catalogue, read with the standard library (polib is not a dependency).
    with open(CATALOGUE, "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog
    words = set()
    for msgid, text in catalogue.items():
        if msgid != "":  # the header (Content-Type, Language, …), not a translation
            words.update(w.lower() for w in _WORD.findall(text))
    return frozenset(words)


def english_words(content: bytes) -> list[str]:
    """The document's words that come from the English interface, in their order."""
    text = _ADDRESS.sub(" ", pdf_text(content))
    return [w for w in _WORD.findall(text) if w.lower() in catalogue_words()]
