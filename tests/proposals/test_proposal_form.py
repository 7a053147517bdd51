"""The proposal form's category, suggested lead department and attachments, the history
that credits who acted, and the page that shows state and review outcome apart."""

import os
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.factories import DepartmentFactory
from tests.proposals.conftest import PROPOSAL_TEXT, accepted, draft, submitted
from xieshang.core.audit import TransitionError
from xieshang.orgs import config
from xieshang.proposals import rules, services
from xieshang.proposals.models import Attachment, Proposal

S = Proposal.Status


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def has_option(page: str, value, label: str, *, selected: bool = False) -> bool:
    """An <option> in the page, whatever other attributes a widget adds to it."""
    flag = r"\s+selected" if selected else r"(?![^>]*\bselected\b)"
    pattern = rf'<option value="{re.escape(str(value))}"{flag}[^>]*>{re.escape(label)}</option>'
    return re.search(pattern, page) is not None


def form_data(**overrides):
    data = {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "save"}
    data.update(overrides)
    return data


# --- Category (提案分类) ----------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_the_form_offers_the_organisations_own_categories(client, world):
    config.set_value(
        world.district, rules.CATEGORIES, ["乡村振兴", "民生保障", "其他"], actor=world.office
    )
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    assert '<label class="form-label" for="id_category">提案分类' in page
    assert has_option(page, "民生保障", "民生保障")
    assert "生态文明建设" not in page  # the national default list is replaced
    response = client.post("/proposals/new/", form_data(category="民生保障"))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.category == "民生保障"
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert '<dd class="col-sm-9" id="proposal-category">民生保障</dd>' in page


def test_the_default_categories_are_the_usual_six(client, world):
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    for name in ["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]:
        assert has_option(page, name, name)


def test_a_category_outside_the_list_is_refused_with_the_list(client, world):
    with pytest.raises(ValidationError) as excinfo:
        draft(world, category="随便写的分类")
    assert "经济建设、政治建设" in excinfo.value.message_dict["category"][0]
    proposal = draft(world, category="社会建设")
    with pytest.raises(ValidationError):
        services.proposal_update(
            proposal=proposal,
            actor=world.user("zhang"),
            expected_version=proposal.version,
            category="不存在",
        )
    proposal.refresh_from_db()
    assert proposal.category == "社会建设"


def test_editing_keeps_a_category_the_list_no_longer_has_visible(client, world):
    proposal = draft(world, category="文化建设")
    config.set_value(world.district, rules.CATEGORIES, ["经济建设"], actor=world.office)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert has_option(page, "文化建设", "文化建设", selected=True)


# --- Suggested lead department (建议主办单位) --------------------------------------------------


def test_the_proposer_may_suggest_an_active_department_of_the_same_level(client, world):
    DepartmentFactory(organisation=world.district, name="区已撤销局", is_active=False)
    DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    assert '<label class="form-label" for="id_suggested_department">建议主办单位' in page
    # A server-searched picker (issue 14): the page lists none, the picker finds them.
    assert "区住房和城乡建设局" not in page
    found = client.get("/pickers/proposal-departments/", {"q": "局"}).json()["results"]
    assert sorted(row["text"] for row in found) == ["区住房和城乡建设局", "区教育局"]
    response = client.post("/proposals/new/", form_data(suggested_department=str(world.housing.pk)))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.suggested_department == world.housing
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="proposal-suggested-department">区住房和城乡建设局</dd>' in page


def test_the_service_refuses_another_levels_or_an_inactive_department(world):
    other = DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    closed = DepartmentFactory(organisation=world.district, name="区已撤销局", is_active=False)
    for department in (other, closed):
        with pytest.raises(ValidationError) as excinfo:
            draft(world, suggested_department=department)
        assert "suggested_department" in excinfo.value.message_dict
    assert not Proposal.objects.exists()


@pytest.mark.clause("C4.6")
def test_the_reviewer_assigning_sees_the_suggestion_pre_selected(client, world):
    proposal = accepted(world, suggested_department=world.education)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "提案人建议主办单位：区教育局" in page
    assert has_option(page, world.education.pk, "区教育局", selected=True)
    # Unsuggested proposals start with nothing chosen.
    other = accepted(world, key="wang", title="关于增设社区托育点的建议")
    page = client.get(f"/proposals/{other.pk}/").content.decode()
    assert "提案人建议主办单位" not in page
    # The picker holds only the empty choice; the units are searched on the server.
    assert has_option(page, "", "（无）", selected=True)
    assert not has_option(page, world.education.pk, "区教育局")


# --- Attachments (附件) ------------------------------------------------------------------------


def upload(client, proposal, name, content):
    return client.post(
        f"/proposals/{proposal.pk}/attachments/",
        {"attachment-file": SimpleUploadedFile(name, content)},
    )


def test_a_quote_in_a_file_name_comes_back_as_a_quote(client, world, settings, tmp_path):
    """Browsers send `"` in a file name as %22 (the HTML standard's form encoding): the
    attachment is listed and downloaded under the name the member's computer showed."""
    from urllib.parse import quote

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    # As Chromium writes it into the request: 关于"加装电梯"的说明.pdf
    assert upload(client, proposal, "关于%22加装电梯%22的说明.pdf", samples.PDF).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == '关于"加装电梯"的说明.pdf'
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "关于&quot;加装电梯&quot;的说明.pdf" in page and "%22" not in page
    download = client.get(attachment.download_url)
    assert quote('关于"加装电梯"的说明.pdf') in download["Content-Disposition"]


def test_the_proposer_attaches_files_to_a_draft_and_removes_them(
    client, world, django_capture_on_commit_callbacks
):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<label class="form-label" for="id_attachment-file">附件文件' in page
    response = upload(client, proposal, "调研报告.pdf", samples.PDF)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "调研报告.pdf"
    assert attachment.file.read() == samples.PDF
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert attachment.download_url in page and "调研报告.pdf" in page
    download = client.get(attachment.download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.PDF
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/proposals/{proposal.pk}/attachments/{attachment.pk}/remove/")
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="no-attachments"' in page and attachment.download_url not in page
    assert "张丽华 · 删除附件 — 调研报告.pdf" in page  # and the history says so


@pytest.mark.parametrize(
    ("name", "content"),
    [("材料.html", samples.HTML), ("材料.pdf", samples.EXE), ("图.svg", samples.SVG)],
)
def test_files_outside_the_upload_rules_are_refused(client, world, name, content):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    response = upload(client, proposal, name, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "重新选择" in html and "20MB" in html
    assert not Attachment.objects.exists()


def test_the_attachment_field_is_not_marked_required_and_an_empty_upload_says_why(client, world):
    """Attaching is optional: the field carries no required star; pressing 上传附件 without a
    file is refused with a message saying to choose one, not a bare 必填项."""
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    label = re.search(r'<label class="form-label" for="id_attachment-file">(.*?)</label>', page)
    assert label is not None and label.group(1) == "附件文件"
    assert "required" not in re.search(r'<input[^>]*id="id_attachment-file"[^>]*>', page).group(0)
    response = client.post(f"/proposals/{proposal.pk}/attachments/", {})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_attachment-file_error"' in html and "请先选择要上传的附件文件。" in html
    assert not Attachment.objects.exists()


def test_the_number_of_attachments_is_limited_by_the_rule(client, world):
    config.set_value(world.district, rules.MAX_ATTACHMENTS, 2, actor=world.office)
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    assert upload(client, proposal, "一.pdf", samples.PDF).status_code == 302
    assert upload(client, proposal, "二.png", samples.png()).status_code == 302
    response = upload(client, proposal, "三.pdf", samples.PDF)
    assert response.status_code == 400
    assert "每件提案最多上传2个附件" in response.content.decode()
    assert Attachment.objects.count() == 2


def test_attachments_are_fixed_once_submitted_and_only_the_proposer_changes_them(client, world):
    proposal = draft(world)
    attachment = services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("材料.pdf", samples.PDF),
    )
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            proposal=proposal,
            actor=world.user("wang"),
            file=SimpleUploadedFile("别人的.pdf", samples.PDF),
        )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    with pytest.raises(TransitionError):
        services.attachment_remove(attachment=attachment, actor=world.user("zhang"))
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'id="attachment-form"' not in page and ">删除</button>" not in page
    assert attachment.download_url in page
    response = client.post(f"/proposals/{proposal.pk}/attachments/{attachment.pk}/remove/")
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    response = upload(client, proposal, "晚了.pdf", samples.PDF)
    assert response.status_code == 302
    assert "提案已提交，不能再更改附件。" in client.get(response["Location"]).content.decode()
    assert Attachment.objects.count() == 1


def test_only_those_who_see_the_proposal_download_its_attachments(client, world):
    proposal = draft(world)
    attachment = services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("材料.pdf", samples.PDF),
    )
    url = attachment.download_url
    client.force_login(world.reviewer)
    assert client.get(url).status_code == 404  # a draft is the proposer's alone
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    assert client.get(url).status_code == 200
    for outsider in (world.other_reviewer, world.user("wang"), world.housing_clerk):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- History: who did what ------------------------------------------------------------------


def test_the_history_credits_the_co_signer_with_confirming_and_the_proposer_with_submitting(
    client, world
):
    proposal = submitted(world, cosigners=["wang"])
    assert proposal.status == S.SUBMITTED
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "张丽华 · 提交提案 （草稿 → 待联名确认）" in history
    assert "王建国 · 确认联名 （待联名确认 → 待审查）\n" in history  # the name once
    assert "王建国 · 提交提案" not in history


def test_a_proposal_without_co_signers_is_submitted_by_its_proposer(client, world):
    proposal = submitted(world)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "张丽华 · 提交提案 （草稿 → 待审查）" in page


# --- State and review outcome shown apart -----------------------------------------------------


def heading(page: str) -> str:
    return page[page.index('aria-label="位置"') : page.index("</h1>") + 400]


def test_an_assigned_proposal_shows_state_and_outcome_apart(client, world):
    proposal = accepted(world)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert '<li class="breadcrumb-item" id="breadcrumb-stage">待交办</li>' in page
    assert "审查结果：已立案" in heading(page)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    top = heading(page)
    assert '<li class="breadcrumb-item" id="breadcrumb-stage">办理中</li>' in top
    assert "状态：</span>办理中</span>" in top
    assert "审查结果：已立案" in top


def test_a_merged_proposal_names_its_target_and_a_pending_one_has_no_outcome(client, world):
    target = submitted(world, key="wang", title="关于增设社区托育点的建议")
    services.proposal_accept(proposal=target, actor=world.reviewer)
    target.refresh_from_db()
    proposal = submitted(world)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'breadcrumb-stage">待审查</li>' in page
    assert "审查结果" not in heading(page)
    services.proposal_merge(proposal=proposal, into=target, actor=world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    top = heading(page)
    assert f"审查结果：并案（并入{target.number}）" in top
    assert "随并入提案办理" in top


# --- The export ------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_the_figures_export_lists_each_proposal_with_its_category(client, world):
    import io

    from openpyxl import load_workbook

    proposal = accepted(world, category="社会建设", suggested_department=world.education)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    draft(world, key="wang", title="王委员未提交的草稿", category="其他")
    client.force_login(world.reviewer)
    response = client.get("/proposals/figures/export.xlsx", {"year": proposal.year})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content))["提案清单"].iter_rows(values_only=True))
    assert rows[0][:9] == (
        "提案号",
        "案由",
        "提案分类",
        "第一提案人",
        "主办单位",
        "协办单位",
        "状态",
        "所处阶段",
        "审查结果",
    )
    assert rows[1:] == [
        (
            proposal.number,
            "关于加快老旧小区加装电梯的建议",
            "社会建设",
            "张丽华",
            # The department handling it, not the one the proposer suggested (区教育局).
            "区住房和城乡建设局",
            None,
            "办理中",
            "办理中",
            "已立案",
            "示范区政协",
        )
    ]
