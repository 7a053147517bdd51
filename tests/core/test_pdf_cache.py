"""A document asked for again is not laid out again: core.pdf.render_pdf keeps each rendered
PDF in the process's memory by what it is made of (its HTML, the embedded font files,
WeasyPrint's version), so the same document comes back at once, and anything that changes
what it says (a name, the date, a font file) is laid out afresh."""

import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import caches
from pypdf import PdfReader
from weasyprint import HTML

from tests.pdftext import pdf_text
from xieshang.core import pdf
from xieshang.core.pdf import heading, render_pdf

NOTO_FILE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture
def layouts(monkeypatch):
    """How many times WeasyPrint laid a document out (the real WeasyPrint, counted)."""
    caches["documents"].clear()
    calls = []
    write_pdf = HTML.write_pdf

    def counted(self, *args, **kwargs):
        calls.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", counted)
    yield calls
    caches["documents"].clear()


def document(title: str, on=dt.date(2026, 3, 2)) -> bytes:
    return render_pdf("pdf/official.html", heading("示范区政协", title, on))


def test_the_same_document_asked_for_again_is_not_laid_out_again(layouts):
    first = document("关于老旧小区加装电梯的通知")
    again = document("关于老旧小区加装电梯的通知")
    assert again == first
    assert len(layouts) == 1
    assert "关于老旧小区加装电梯的通知" in pdf_text(again)


def test_a_document_that_says_anything_else_is_laid_out_afresh(layouts):
    lift = document("关于老旧小区加装电梯的通知")
    meals = document("关于老年人助餐服务的通知")
    next_day = document("关于老旧小区加装电梯的通知", on=dt.date(2026, 3, 3))
    assert len(layouts) == 3
    assert "老年人助餐" in pdf_text(meals) and "老年人助餐" not in pdf_text(lift)
    assert "2026年3月3日" in pdf_text(next_day)


@pytest.mark.skipif(not NOTO_FILE.is_file(), reason="no font file to point at")
def test_a_font_file_replaced_on_disk_is_embedded_afresh(layouts, settings, tmp_path):
    font = tmp_path / "fangsong.ttc"
    shutil.copy(NOTO_FILE, font)
    settings.OFFICIAL_FONTS = {"fangsong": str(font)}
    document("关于老旧小区加装电梯的通知")
    document("关于老旧小区加装电梯的通知")
    assert len(layouts) == 1
    # The office puts another file in place under the same name (here: the same bytes,
    # written a second later).
    stat = font.stat()
    os.utime(font, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    content = document("关于老旧小区加装电梯的通知")
    assert len(layouts) == 2
    assert "仿宋 fangsong" in PdfReader(io.BytesIO(content)).metadata.subject


def test_with_no_keeping_time_every_document_is_laid_out(layouts, settings):
    settings.CACHES = {
        **settings.CACHES,
        "documents": {**settings.CACHES["documents"], "TIMEOUT": 0},
    }
    # (Changing CACHES makes Django's cache handler build its caches again.)
    document("关于老旧小区加装电梯的通知")
    document("关于老旧小区加装电梯的通知")
    assert len(layouts) == 2


def test_documents_are_kept_in_memory_never_on_disk(settings):
    assert settings.CACHES["documents"]["BACKEND"].endswith("LocMemCache")
    assert pdf._document_key("<p>a</p>", []) != pdf._document_key("<p>b</p>", [])
