"""One upload validator for every upload, private storage, and the checked download view."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.consultation import services as consultation
from xieshang.consultation.models import ActivityForm, Attachment
from xieshang.followups import services as followups
from xieshang.followups.models import Feedback
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.FILE_SERVE_ACCEL = ""
    return settings.PRIVATE_MEDIA_ROOT


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- The validator ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("报告.pdf", samples.PDF, "pdf"),
        ("报告.docx", samples.docx(), "docx"),
        ("统计.xlsx", samples.xlsx(), "xlsx"),
        ("旧稿.doc", samples.doc(), "doc"),
        ("旧稿.wps", samples.doc(), "doc"),
        ("旧表.xls", samples.xls(), "xls"),
        ("公文.ofd", samples.ofd(), "ofd"),
        ("照片.png", samples.png(), "png"),
        ("照片.JPG", samples.jpeg(), "jpg"),
        ("照片.jpeg", samples.jpeg(), "jpg"),
    ],
)
def test_real_documents_are_accepted_by_content(name, content, kind):
    from xieshang.core.uploads import check_upload

    assert check_upload(upload(name, content), "document") == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", samples.EXE),
        ("页面.html", samples.HTML),
        ("图.svg", samples.SVG),
        ("脚本.js", b"alert(1)"),
        ("伪装.pdf", samples.EXE),  # an executable named .pdf
        ("伪装.docx", samples.plain_zip()),  # a zip that is not an Office document
        ("宏.docx", samples.docm()),  # macro-enabled main part
        ("宏.docm", samples.docm()),
        ("包.zip", samples.plain_zip()),
        ("错名.pdf", samples.docx()),  # a real document under another kind's extension
        ("错名.xlsx", samples.docx()),
        ("错名.doc", samples.xls()),
        ("无扩展名", samples.PDF),
        ("空.pdf", b"%PDF"),
    ],
)
def test_anything_else_is_refused_with_the_allowed_kinds_and_limit(name, content):
    from xieshang.core.uploads import check_upload

    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, content), "document")
    message = exc.value.messages[0]
    assert "PDF" in message and "DOCX" in message and "20MB" in message
    assert "重新选择" in message


def test_the_size_limit_comes_before_reading_the_content():
    from xieshang.core.uploads import check_upload

    big = upload("大文件.pdf", samples.PDF + b"\0" * (20 * MB))
    with pytest.raises(ValidationError) as exc:
        check_upload(big, "document")
    assert "20MB" in exc.value.messages[0]


def test_a_file_just_over_the_limit_never_reads_as_the_limit_itself():
    """21,000,000 bytes is 20.03MB: it said "文件过大（20.0MB）……不超过20MB"."""
    from xieshang.core.uploads import check_upload

    big = upload("盖章答复函.pdf", samples.PDF + b"\0" * (21_000_000 - len(samples.PDF)))
    with pytest.raises(ValidationError) as exc:
        check_upload(big, "document")
    assert exc.value.messages[0].startswith("文件过大（20.1MB）")


def test_the_spreadsheet_policy_takes_only_xlsx_up_to_10mb():
    from xieshang.core.uploads import check_upload

    assert check_upload(upload("委员.xlsx", samples.xlsx()), "spreadsheet") == "xlsx"
    for name, content in [("委员.xls", samples.xls()), ("委员.pdf", samples.PDF)]:
        with pytest.raises(ValidationError) as exc:
            check_upload(upload(name, content), "spreadsheet")
        assert "XLSX" in exc.value.messages[0] and "10MB" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        check_upload(upload("委员.xlsx", samples.xlsx() + b"\0" * (10 * MB)), "spreadsheet")


def test_a_deployment_can_narrow_a_policy_in_settings(settings):
    from xieshang.core.uploads import check_upload

    settings.UPLOAD_POLICIES = {"document": {"max_mb": 1, "kinds": ["pdf"]}}
    assert check_upload(upload("a.pdf", samples.PDF), "document") == "pdf"
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("a.png", samples.png()), "document")
    assert "1MB" in exc.value.messages[0] and "PNG" not in exc.value.messages[0]


def test_the_form_field_validates_and_advertises_the_policy():
    from django import forms

    from xieshang.core.forms import SafeFileField

    class F(forms.Form):
        f = SafeFileField(policy="document")

    assert ".pdf" in F().fields["f"].widget.attrs["accept"]
    bad = F(data={}, files={"f": upload("x.exe", samples.EXE)})
    assert not bad.is_valid() and "重新选择" in bad.errors["f"][0]
    good = F(data={}, files={"f": upload("x.pdf", samples.PDF)})
    assert good.is_valid()


# --- Storage and serving -------------------------------------------------------------------


@pytest.fixture
def task_world():
    district = make_org()
    dept = DepartmentFactory(organisation=district, name="区民政局")
    office = user_with_role(Role.OFFICE, district)
    clerk = user_with_role(Role.DEPARTMENT, district, department=dept)
    other_district = make_org("另一区政协", Level.DISTRICT)
    stranger = user_with_role(Role.OFFICE, other_district)
    task = followups.task_open(
        organisation=district,
        title="关于加装电梯的办理",
        department=dept,
        working_days=10,
        start_date=dt.date(2026, 3, 2),
        actor=office,
    )
    return {"task": task, "office": office, "clerk": clerk, "stranger": stranger}


def give_feedback(world, name="办理情况.pdf", content=samples.PDF) -> Feedback:
    return followups.feedback_submit(
        task=world["task"], text="已办理。", actor=world["clerk"], document=upload(name, content)
    )


def test_the_stored_file_is_private_and_randomly_named(task_world, private_root, settings):
    fb = give_feedback(task_world)
    path = Path(fb.document.path).resolve()
    assert path.is_file() and path.read_bytes() == samples.PDF
    assert path.is_relative_to(Path(private_root).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert "办理情况" not in fb.document.name and fb.document.name.endswith(".pdf")
    assert fb.document_name == "办理情况.pdf"


def test_the_default_private_root_is_outside_static_and_media():
    from xieshang import settings as real

    private = Path(real.PRIVATE_MEDIA_ROOT).resolve()
    for public in (real.MEDIA_ROOT, real.STATIC_ROOT, *real.STATICFILES_DIRS):
        assert not private.is_relative_to(Path(public).resolve())


def test_the_uploader_downloads_their_file_and_a_stranger_gets_404(client, task_world):
    fb = give_feedback(task_world)
    url = fb.download_url
    assert url.startswith("/files/") and "/media/" not in url

    client.force_login(task_world["clerk"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%8A%9E%E7%90%86%E6%83%85%E5%86%B5.pdf" in disposition
    assert 'filename="export.pdf"' in disposition  # old clients get an ASCII name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"

    client.force_login(task_world["office"])  # the office that asked sees the task
    assert client.get(url).status_code == 200

    client.force_login(task_world["stranger"])
    assert client.get(url).status_code == 404
    # Same answer as for a row that does not exist or a field that is not a file.
    assert client.get(url.replace(f"/{fb.pk}/", "/999999/")).status_code == 404
    assert client.get(url.replace("/document/", "/text/")).status_code == 404
    assert client.get(f"/files/core.user/{task_world['stranger'].pk}/password/").status_code == 404


def test_anonymous_users_are_sent_to_login(client, task_world):
    fb = give_feedback(task_world)
    response = client.get(fb.download_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nginx_mode_hands_the_file_to_the_web_server(client, task_world, settings):
    fb = give_feedback(task_world)
    settings.FILE_SERVE_ACCEL = "nginx"
    settings.FILE_SERVE_ACCEL_PREFIX = "/_private/"
    client.force_login(task_world["clerk"])
    response = client.get(fb.download_url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{fb.document.name}"
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")

    settings.FILE_SERVE_ACCEL = "apache"
    response = client.get(fb.download_url)
    assert response["X-Sendfile"] == str(Path(fb.document.path))
    assert response.content == b""


def test_a_file_missing_on_disk_is_404_not_500(client, task_world):
    fb = give_feedback(task_world)
    Path(fb.document.path).unlink()
    client.force_login(task_world["clerk"])
    assert client.get(fb.download_url).status_code == 404


@pytest.fixture
def activity_world():
    district = make_org()
    office = user_with_role(Role.OFFICE, district)
    other = user_with_role(Role.OFFICE, make_org("另一区政协", Level.DISTRICT))
    activity = consultation.activity_create(
        organisation=district,
        actor=office,
        title="老旧小区加装电梯协商座谈",
        form=ActivityForm.SYMPOSIUM,
        date=dt.date(2026, 9, 28),
        place="政协三楼会议室",
    )
    return {"activity": activity, "office": office, "stranger": other}


def test_activity_attachments_download_for_their_viewers_only(client, activity_world):
    content = samples.docx()
    att = consultation.attachment_add(
        activity=activity_world["activity"],
        actor=activity_world["office"],
        name="会议材料",
        file=upload("材料.docx", content),
    )
    assert isinstance(att, Attachment) and att.original_name == "材料.docx"
    client.force_login(activity_world["office"])
    page = client.get(f"/consultation/activities/{att.activity_id}/").content.decode()
    assert att.download_url in page and "/media/" not in page
    response = client.get(att.download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    client.force_login(activity_world["stranger"])
    assert client.get(att.download_url).status_code == 404


def test_the_migration_moves_old_public_files_into_private_storage(task_world, settings):
    from django.apps import apps

    from xieshang.core.uploads import move_to_private

    old_name = "followups/2025/01/办理情况.pdf"
    public = Path(settings.MEDIA_ROOT) / old_name
    public.parent.mkdir(parents=True)
    public.write_bytes(samples.PDF)
    fb = Feedback.objects.create(task=task_world["task"], text="旧反馈", document=old_name)

    move_to_private(apps, "followups", "Feedback", "document", "document_name")

    fb.refresh_from_db()
    assert not public.exists()
    assert Path(fb.document.path).read_bytes() == samples.PDF
    assert fb.document_name == "办理情况.pdf"


def test_no_template_links_a_stored_file_by_its_storage_url():
    from django.conf import settings as django_settings

    roots = [Path(django_settings.BASE_DIR) / "xieshang"]
    offenders = [
        str(path)
        for root in roots
        for path in root.rglob("*.html")
        if ".file.url" in path.read_text(encoding="utf-8")
        or ".document.url" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
