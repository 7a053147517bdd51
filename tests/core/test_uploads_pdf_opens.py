"""Where a PDF is the record itself (upload policy "pdf": the stamped, signed scan of an
answer letter), the file has to open, with a page: a 34-byte file starting "%PDF-" passed
as a scan before. Policies that take PDFs among other kinds (attachments) are unchanged."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tests.core import samples
from xieshang.core.forms import SafeFileField
from xieshang.core.uploads import check_upload

HEADER_ONLY = b"%PDF-1.4\n" + b"0" * 25  # 34 bytes: a PDF by its first bytes, nothing more


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [HEADER_ONLY, samples.PDF, pdf(pages=0), pdf()[:200]],
    ids=["header-only", "no-cross-reference", "no-page", "cut-short"],
)
def test_a_scan_that_does_not_open_is_refused_and_says_why(content):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("盖章扫描件.pdf", content), "pdf")
    assert refused.value.code == "file_unreadable"
    assert "无法打开" in refused.value.messages[0]


def test_a_real_scan_is_taken_and_read_from_the_start_again():
    upload = SimpleUploadedFile("盖章扫描件.pdf", pdf())
    assert check_upload(upload, "pdf") == "pdf"
    assert upload.read(5) == b"%PDF-"  # the file is handed on rewound, to be stored whole


def test_the_form_field_shows_the_reason():
    field = SafeFileField(policy="pdf")
    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile("盖章扫描件.pdf", HEADER_ONLY))
    assert "无法打开" in " ".join(refused.value.messages)


def test_an_attachment_is_checked_by_its_kind_only_as_before():
    assert check_upload(SimpleUploadedFile("材料.pdf", samples.PDF), "document") == "pdf"
