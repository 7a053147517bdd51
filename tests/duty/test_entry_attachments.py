"""Files supporting a member's self-reported duty entry (佐证材料: photos, a sign-in sheet):
JPEG, PNG or PDF by content, size-limited, a PDF that opens; shown to the office reviewing
the entry and to the member, and served through core.files only to those who may see the
member's duty file."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from tests.core import samples
from tests.duty.factories import YEAR, member_with_user, setting
from tests.factories import make_org, seat, user_with_role
from xieshang.core.files import file_url
from xieshang.duty import services
from xieshang.duty.models import DutyKind, DutyRecord, EntryAttachment
from xieshang.orgs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _entry(**extra) -> dict:
    return {
        "kind": DutyKind.INSPECTION,
        "date": dt.date(YEAR, 5, 6).isoformat(),
        "title": "赴东区调研养老服务",
        "people": "",
        "evidence": "调研通知及签到表",
        **extra,
    }


def _report(client, *files):
    return client.post(reverse("duty:entry_new"), _entry(files=list(files)))


def test_a_member_attaches_a_photo_and_a_sign_in_sheet_the_office_and_member_open(client):
    org, term, office, member = setting()
    client.force_login(member.user)
    photo = SimpleUploadedFile("现场照片.jpg", samples.jpeg())
    sheet = SimpleUploadedFile("签到表.pdf", one_page_pdf())
    form = client.get(reverse("duty:entry_new")).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="files"' in form
    assert _report(client, photo, sheet).status_code == 302
    entry = DutyRecord.objects.get(member=member)
    photo_row, sheet_row = entry.attachments.all()
    assert (photo_row.original_name, sheet_row.original_name) == ("现场照片.jpg", "签到表.pdf")

    # The office reviewing the entry sees both files and opens them.
    client.force_login(office)
    queue = client.get(reverse("duty:entries")).content.decode()
    assert file_url(photo_row, "file") in queue and "签到表.pdf" in queue
    download = client.get(file_url(sheet_row, "file"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E7%AD%BE%E5%88%B0%E8%A1%A8.pdf" in download["Content-Disposition"]
    # So does the member, on their own file, before and after the office decides.
    client.force_login(member.user)
    own = client.get(reverse("duty:my_file") + f"?year={YEAR}").content.decode()
    assert file_url(photo_row, "file") in own
    photo_download = client.get(file_url(photo_row, "file"))
    assert photo_download.status_code == 200
    assert photo_download["Content-Type"] == "image/jpeg"


def test_nobody_else_opens_the_files(client):
    org, term, office, member = setting()
    entry = services.manual_entry_submit(
        member=member,
        actor=member.user,
        kind=DutyKind.INSPECTION,
        date=dt.date(YEAR, 5, 6),
        title="调研",
        evidence="照片",
        files=[SimpleUploadedFile("照片.png", samples.png())],
    )
    url = file_url(entry.attachments.get(), "file")
    colleague = member_with_user(org)
    seat(colleague, term)
    for outsider in (
        colleague.user,
        user_with_role(Role.OFFICE, make_org("另一区政协")),
        user_with_role(Role.DEPARTMENT, org),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("签到表.pdf", b"%PDF-1.4\n%%EOF\n", "无法打开"),  # "%PDF-" and nothing after it
        ("照片.jpg", samples.png(), "扩展名与内容不符"),
        ("说明.docx", samples.docx(), "不接受此类文件"),
        ("照片.jpg", samples.HTML, "不接受此类文件"),
    ],
)
def test_a_file_that_is_not_a_jpeg_png_or_readable_pdf_is_refused(client, name, content, says):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    response = _report(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and "赴东区调研养老服务" in page  # what was typed is kept
    assert not DutyRecord.objects.exists() and not EntryAttachment.objects.exists()


def test_too_many_or_too_large_files_are_refused(client, settings):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    photos = [SimpleUploadedFile(f"照片{i}.png", samples.png()) for i in range(6)]
    response = _report(client, *photos)
    assert response.status_code == 400 and "最多上传5个佐证材料" in response.content.decode()
    settings.UPLOAD_POLICIES = {"evidence": {"max_mb": 0.001}}
    response = _report(client, SimpleUploadedFile("照片.jpg", samples.jpeg() + b"\0" * 2000))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not DutyRecord.objects.exists()


def test_the_service_checks_the_files_itself():
    _org, _term, _office, member = setting()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.manual_entry_submit(
            member=member,
            actor=member.user,
            kind=DutyKind.INSPECTION,
            date=dt.date(YEAR, 5, 6),
            title="调研",
            evidence="照片",
            files=[SimpleUploadedFile("照片.jpg", samples.EXE)],
        )
    assert "files" in refused.value.message_dict
    assert not DutyRecord.objects.exists()


def test_the_form_reads_as_english_in_english(client):
    """The member's form in English: its button read "Submit to" (the bare 报送 of the
    outcome page's "sent to" label) and the upload hint listed "JPG、PNG、PDF"."""
    org, term, office, member = setting()
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    form = client.get(reverse("duty:entry_new")).content.decode()
    assert '<button class="btn btn-primary" type="submit">Submit</button>' in form
    assert "Allowed: JPG, PNG, PDF files" in form
    assert "、" not in form
