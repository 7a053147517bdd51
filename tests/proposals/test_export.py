"""The proposals list as Excel through the one exporter (core.exports / core.excel): the rows of
the list for its filters and the user's scope, a Chinese file name with an ASCII fallback, a
frozen header, fitted columns, dates as dates, and no cell a spreadsheet would run."""

import datetime as dt
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, seat
from tests.xlsx import PAYLOAD, PAYLOADS, assert_no_formulas, workbook
from xieshang.core.jobs import Job
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

from .conftest import PROPOSAL_TEXT, accepted, draft, submitted


def rows(wb) -> list[list]:
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_the_export_holds_the_lists_rows_for_its_filter_and_scope(client, world):
    first = submitted(world, title="关于加快老旧小区加装电梯的建议")
    second = accepted(world, key="wang", title="关于增设社区食堂的建议")
    draft(world, key="li", title="尚未提交的草稿")  # drafts are never in the staff list
    client.force_login(world.reviewer)

    wb = workbook(client.get(reverse("proposals:export")))
    table = rows(wb)
    header = table[0]
    assert header[:4] == ["提案号", "年度", "类别", "案由"]
    titles = {r[header.index("案由")] for r in table[1:]}
    assert titles == {first.title, second.title}

    # The status filter of the list page applies to the file too.
    wb = workbook(client.get(reverse("proposals:export"), {"status": Proposal.Status.ACCEPTED}))
    table = rows(wb)
    assert [r[header.index("案由")] for r in table[1:]] == [second.title]
    assert table[1][header.index("状态")] == second.get_status_display()
    assert table[1][header.index("提案人")] == "王建国"

    # Another district's proposal committee sees none of these rows.
    client.force_login(world.other_reviewer)
    assert rows(workbook(client.get(reverse("proposals:export")))) == [header]


def test_the_file_is_named_in_chinese_with_an_ascii_fallback_and_laid_out_for_reading(
    client, world
):
    proposal = submitted(world)
    client.force_login(world.reviewer)
    response = client.get(reverse("proposals:export"))
    stamp = f"{timezone.localdate():%Y%m%d}"
    disposition = response["Content-Disposition"]
    assert f'filename="proposals-{stamp}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote(f'提案列表-{stamp}.xlsx')}" in disposition
    assert response["Cache-Control"] == "private, no-store"

    wb = workbook(response)
    ws = wb.active
    assert ws.title == "提案列表"
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    header = [c.value for c in ws[1]]
    # The title column is widened to the title (24 Chinese characters), not left at the
    # width of its two-character header.
    assert ws.column_dimensions["D"].width >= 2 * len(proposal.title)
    # The submission time is a real date-time, shown the Chinese way; the year a number.
    submitted_cell = ws.cell(row=2, column=header.index("提交时间") + 1)
    assert isinstance(submitted_cell.value, dt.datetime)
    assert submitted_cell.number_format == 'yyyy"年"m"月"d"日" hh:mm'
    assert ws.cell(row=2, column=header.index("年度") + 1).value == proposal.year


def test_no_typed_formula_survives_a_member_or_a_proposal_export(client, world):
    """Issue 13 must-show: `=HYPERLINK(...)` fed through a member's employer and a proposal
    title comes out as the text typed, never a formula (member export and proposal export)."""
    for payload in PAYLOADS:
        submitted(world, title=payload)
    seat(MemberFactory(organisation=world.district, name="丁一", employer=PAYLOAD), world.term)
    client.force_login(world.office)

    proposals = workbook(client.get(reverse("proposals:export")))
    assert_no_formulas(proposals)
    titles = {r[3] for r in rows(proposals)[1:]}
    assert PAYLOAD in titles

    members = workbook(client.get(reverse("members:export")))
    assert_no_formulas(members)
    table = rows(members)
    employers = [r[table[0].index("工作单位及职务")] for r in table[1:]]
    assert PAYLOAD in employers


def test_a_long_list_becomes_a_background_job_whose_file_holds_every_row(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = 2
    for key in ("zhang", "wang", "li"):
        submitted(world, key=key, title=f"关于{key}的建议")
    client.force_login(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("proposals:export"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_name.startswith("提案列表-")
    wb = workbook(client.get(reverse("job_download", args=[job.pk])))
    assert len(rows(wb)) == 1 + 3


def test_a_member_without_a_staff_role_may_not_export(client, world):
    submitted(world)
    client.force_login(world.user("zhang"))
    assert client.get(reverse("proposals:export")).status_code == 403


def test_the_departments_column_names_the_lead_first_and_each_ones_part(client, world):
    from xieshang.proposals import services

    proposal = accepted(world)
    # The co-handler was made first (the lower id), the lead second.
    services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.education, co=[world.housing]
    )
    client.force_login(world.reviewer)
    table = rows(workbook(client.get(reverse("proposals:export"))))
    cell = table[1][table[0].index("承办单位")]
    assert cell == "区教育局（主办）、区住房和城乡建设局（协办）"


def test_the_offices_unsent_paper_entry_is_in_the_file_only_when_drafts_are_asked_for(
    client, world
):
    # The unfiltered page lists the office's own unsent draft (and counts it as such); a
    # file goes into reports of proposals received, so it holds the draft only for 草稿.
    sent = submitted(world, title="关于已提交的建议")
    services.proposal_create(
        actor=world.office,
        organisation=world.district,
        proposer_body="示范区工商联",
        **{**PROPOSAL_TEXT, "title": "关于代录的纸质提案的建议"},
    )
    client.force_login(world.office)
    assert "关于代录的纸质提案的建议" in client.get(reverse("proposals:index")).content.decode()

    table = rows(workbook(client.get(reverse("proposals:export"))))
    assert [r[table[0].index("案由")] for r in table[1:]] == [sent.title]

    wb = workbook(client.get(reverse("proposals:export"), {"status": Proposal.Status.DRAFT}))
    table = rows(wb)
    assert [r[table[0].index("案由")] for r in table[1:]] == ["关于代录的纸质提案的建议"]
    assert table[1][table[0].index("状态")] == "草稿"
