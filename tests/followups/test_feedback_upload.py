"""The feedback form's document goes through the one upload policy (security finding 6)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.followups import services
from xieshang.followups.models import Feedback, Task
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def task_and_clerk():
    district = make_org()
    dept = DepartmentFactory(organisation=district, name="区民政局")
    office = user_with_role(Role.OFFICE, district)
    task = services.task_open(
        organisation=district,
        title="关于加装电梯的办理",
        department=dept,
        working_days=10,
        start_date=dt.date(2026, 3, 2),
        actor=office,
    )
    return task, user_with_role(Role.DEPARTMENT, district, department=dept)


def test_a_60mb_executable_is_refused_and_the_typed_text_kept(client, task_and_clerk):
    task, clerk = task_and_clerk
    client.force_login(clerk)
    huge = SimpleUploadedFile("办理结果.exe", samples.EXE + b"\0" * (60 * 1024 * 1024))
    text = "已会同街道完成加装电梯的选址论证。"
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": text, "document": huge})
    assert response.status_code == 400
    html = response.content.decode()
    assert "20MB" in html and "PDF" in html and "重新选择" in html
    assert text in html  # the user does not type it again
    assert not Feedback.objects.exists()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_an_executable_named_pdf_is_refused(client, task_and_clerk):
    task, clerk = task_and_clerk
    client.force_login(clerk)
    fake = SimpleUploadedFile("办理结果.pdf", samples.EXE)
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "见附件", "document": fake})
    assert response.status_code == 400 and not Feedback.objects.exists()


def test_a_real_pdf_is_stored_and_linked_through_the_checked_view(client, task_and_clerk):
    task, clerk = task_and_clerk
    client.force_login(clerk)
    pdf = SimpleUploadedFile("办理结果.pdf", samples.PDF)
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "见附件", "document": pdf})
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert fb.document_name == "办理结果.pdf"
    html = client.get(f"/followups/{task.pk}/").content.decode()
    assert f'href="{fb.download_url}"' in html and "/media/" not in html
    download = client.get(fb.download_url)
    assert b"".join(download.streaming_content) == samples.PDF


def test_feedback_without_a_document_still_works(client, task_and_clerk):
    task, clerk = task_and_clerk
    client.force_login(clerk)
    response = client.post(f"/followups/{task.pk}/feedback/", {"text": "已办结。"})
    assert response.status_code == 302
    assert Feedback.objects.get().download_url == ""
