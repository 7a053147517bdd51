"""Official documents use the licensed fonts an office names in settings.OFFICIAL_FONTS when
the server has them, the free CJK fonts otherwise, and the PDF says which (its Subject)."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from xieshang.core import pdf

NOTO_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CONTEXT = {"doc_title": "测试文件", "masthead": "示范区政协", "issuer": "示范区政协"}


def subject_of(content: bytes) -> str:
    return PdfReader(io.BytesIO(content)).metadata.subject


def test_without_settings_the_free_fonts_stand_in_and_the_pdf_says_so(settings):
    settings.OFFICIAL_FONTS = {}
    fonts = pdf.official_fonts()
    assert all(choice.substitute for choice in fonts.values())
    subject = subject_of(pdf.render_pdf("pdf/official.html", CONTEXT))
    assert subject.startswith("字体：")
    assert "（替代仿宋）" in subject and "（替代小标宋）" in subject


@pytest.mark.skipif(
    pdf.installed_families() is not None
    and "noto sans cjk sc" not in (pdf.installed_families() or ()),
    reason="Noto Sans CJK SC is not installed",
)
def test_an_installed_family_named_in_the_settings_is_used(settings):
    settings.OFFICIAL_FONTS = {"heiti": "Noto Sans CJK SC", "fangsong": "FangSong_GB2312"}
    fonts = pdf.official_fonts()
    assert not fonts["heiti"].substitute
    assert fonts["heiti"].stack.startswith('"Noto Sans CJK SC"')
    # Not on this server: the free serif stands in, and the document says so.
    assert fonts["fangsong"].substitute and fonts["fangsong"].used == "Noto Serif CJK SC"
    subject = subject_of(pdf.render_pdf("pdf/official.html", CONTEXT))
    assert "黑体 Noto Sans CJK SC" in subject and "Noto Serif CJK SC（替代仿宋）" in subject


@pytest.mark.skipif(not NOTO_FILE.is_file(), reason="no font file to point at")
def test_a_font_file_named_in_the_settings_is_embedded_and_only_it_may_be_read(settings):
    settings.OFFICIAL_FONTS = {"fangsong": str(NOTO_FILE)}
    fonts = pdf.official_fonts()
    assert fonts["fangsong"].file == NOTO_FILE.resolve()
    assert NOTO_FILE.resolve().as_uri() in fonts["fangsong"].face
    content = pdf.render_pdf("pdf/official.html", CONTEXT)
    assert "仿宋 NotoSansCJK-Regular" in subject_of(content)
    fetcher = pdf._url_fetcher([NOTO_FILE])
    assert fetcher.fetch(NOTO_FILE.resolve().as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")


def test_a_setting_that_would_break_out_of_the_style_sheet_is_ignored(settings):
    settings.OFFICIAL_FONTS = {"fangsong": 'x"; } body { display: none; } {"'}
    choice = pdf.official_fonts()["fangsong"]
    assert choice.substitute and "body" not in choice.stack
