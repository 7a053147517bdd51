"""Activity attachments go through the one upload policy (security finding 6)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Attachment


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def activity(world):
    return services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="老旧小区加装电梯协商座谈",
        form=ActivityForm.SYMPOSIUM,
        date=dt.date(2026, 9, 28),
        place="政协三楼会议室",
    )


def post(client, activity, name, content, title="会议材料"):
    return client.post(
        f"/consultation/activities/{activity.pk}/attachment/",
        {"name": title, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("议程.html", samples.HTML),
        ("议程.htm", samples.HTML),
        ("工具.exe", samples.EXE),
        ("议程.pdf", samples.EXE),
        ("图.svg", samples.SVG),
    ],
)
def test_html_executables_and_disguised_files_are_refused(client, world, activity, name, content):
    client.force_login(world.office)
    response = post(client, activity, name, content, title="我输入的附件名称")
    assert response.status_code == 400
    html = response.content.decode()
    assert "重新选择" in html and "20MB" in html
    assert 'value="我输入的附件名称"' in html
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("材料.pdf", samples.PDF),
        ("材料.docx", samples.docx()),
        ("统计.xlsx", samples.xlsx()),
        ("现场.png", samples.png()),
    ],
)
def test_real_documents_are_accepted(client, world, activity, name, content):
    client.force_login(world.office)
    response = post(client, activity, name, content)
    assert response.status_code == 302
    att = Attachment.objects.get()
    assert att.original_name == name
    assert att.file.read() == content
    page = client.get(f"/consultation/activities/{activity.pk}/").content.decode()
    assert att.download_url in page


def test_another_districts_office_cannot_download(client, world, activity):
    client.force_login(world.office)
    post(client, activity, "材料.pdf", samples.PDF)
    att = Attachment.objects.get()
    client.force_login(world.other_office)
    assert client.get(att.download_url).status_code == 404
