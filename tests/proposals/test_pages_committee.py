"""The proposal committee's and the chairman's meeting's pages: review, the assignment
meeting board, overdue handling and key proposals."""

import datetime as dt
import html
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.proposals.conftest import PROPOSAL_TEXT, accepted, answered, draft, submitted
from xieshang.core import calendar
from xieshang.core.models import Event
from xieshang.followups.models import Task
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

S = Proposal.Status


def proposal_events() -> int:
    return Event.objects.filter(verb__startswith="proposal.").count()


def board_post(proposals, rows: dict) -> dict:
    """The assignment board's POST: every loaded proposal, with the choices of some rows."""
    data = {"proposal": [str(p.pk) for p in proposals]}
    for proposal, choice in rows.items():
        for key, value in choice.items():
            data[f"{key}-{proposal.pk}"] = value
    return data


# --- Review -------------------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_it_lists_submitted_proposals_oldest_first_and_flags_overdue_review(client, world):
    old = submitted(world, title="关于早先提交的建议")
    draft(world, title="尚是草稿的提案")
    with time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)):
        submitted(world, key="wang", title="关于后来提交的建议")
        client.force_login(world.reviewer)
        html = client.get("/proposals/review/").content.decode()
    assert html.index("关于早先提交的建议") < html.index("关于后来提交的建议")
    assert "尚是草稿的提案" not in html
    # The first one's 10 working days ended on Monday 16 March; the later one has its 10.
    rows = html.split('id="review-queue"')[1].split("<tr")[2:]
    assert "关于早先提交的建议" in rows[0] and "已逾期4个工作日" in rows[0]
    assert "关于后来提交的建议" in rows[1] and "剩余10个工作日" in rows[1]
    assert html.count("已逾期") == 1
    assert old.number in html


def test_the_staff_list_offers_no_draft_filter_to_who_writes_no_drafts(client, world):
    client.force_login(world.reviewer)
    html = client.get("/proposals/").content.decode()
    status = re.search(r'<select[^>]*name="status".*?</select>', html, re.S).group(0)
    assert 'value="submitted"' in status and 'value="draft"' not in status


def test_the_office_finds_its_paper_entry_drafts_by_the_status_menu_and_the_count(client, world):
    # The office's unfiltered list holds the paper proposal it entered and has not sent: the
    # menu offers 草稿 to find it, and the count says that one of its total is a draft.
    submitted(world, title="关于已提交的建议")
    services.proposal_create(
        actor=world.office,
        organisation=world.district,
        proposer_body="示范区工商联",
        **{**PROPOSAL_TEXT, "title": "关于代录的纸质提案的建议"},
    )
    client.force_login(world.office)
    page = client.get("/proposals/").content.decode()
    status = re.search(r'<select[^>]*name="status".*?</select>', page, re.S).group(0)
    assert 'value="draft"' in status
    count = re.search(r'<p[^>]*id="result-count".*?</p>', page, re.S).group(0)
    assert re.sub(r"<[^>]+>", "", count) == "共 2 件提案，其中未提交的草稿 1 件"

    page = client.get("/proposals/?status=draft").content.decode()
    assert "关于代录的纸质提案的建议" in page and "关于已提交的建议" not in page
    assert 'id="draft-count"' not in page


def test_it_keeps_the_review_queue_to_the_committee(client, world):
    client.force_login(world.user("zhang"))
    assert client.get("/proposals/review/").status_code == 403
    client.force_login(world.housing_clerk)
    assert client.get("/proposals/board/").status_code == 403


@pytest.mark.parametrize("n", [3, 30])
def test_the_review_queue_has_a_fixed_number_of_queries(
    client, world, n, django_assert_num_queries
):
    for i in range(n):
        submitted(world, title=f"关于第{i}件事的建议", cosigners=["wang"])
    client.force_login(world.reviewer)
    client.get("/proposals/review/")
    with django_assert_num_queries(REVIEW_QUERIES):
        response = client.get("/proposals/review/")
    assert response.content.decode().count("关于第") == n


# session, user, role assignments, unread count, page count, proposals, signers, the
# calendar's days off over the page's deadlines (the session was renewed by the warm-up: not
# written again within the minute).
REVIEW_QUERIES = 8


@pytest.mark.clause("C4.6")
def test_it_rejects_with_a_configured_reason_and_keeps_the_note_when_none_is_chosen(client, world):
    proposal = submitted(world)
    client.force_login(world.reviewer)
    before = proposal_events()
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    for button in ["立案", "并案", "转办", "退回修改", "不予立案"]:
        assert f">{button}</button>" in page
    # What the decisions need is marked, and the browser asks for it before the confirmation.
    for name in ("reject-reason", "return-note"):
        tag = re.search(rf'<(?:select|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
        assert " required" in tag, name
    response = client.post(
        f"/proposals/{proposal.pk}/act/reject/", {"reject-note": "与去年第0008号提案重复"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择不予立案的理由。" in html
    assert "与去年第0008号提案重复" in html
    assert proposal_events() == before
    response = client.post(
        f"/proposals/{proposal.pk}/act/reject/",
        {"reject-reason": "没有具体建议的", "reject-note": "建议过于笼统"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reject_reason) == (S.REJECTED, "没有具体建议的")
    client.force_login(world.user("zhang"))
    assert (
        "不予立案理由：没有具体建议的" in client.get(f"/proposals/{proposal.pk}/").content.decode()
    )


def test_a_wrong_role_posting_a_transition_gets_403_or_404_and_leaves_no_event(client, world):
    proposal = submitted(world)
    before = proposal_events()
    # Another member cannot even see it.
    client.force_login(world.user("wang"))
    assert client.post(f"/proposals/{proposal.pk}/act/accept/").status_code == 404
    # The proposer sees it but may not review it.
    client.force_login(world.user("zhang"))
    assert client.post(f"/proposals/{proposal.pk}/act/accept/").status_code == 403
    # The chair may approve key proposals, not accept proposals.
    client.force_login(world.chair)
    assert client.post(f"/proposals/{proposal.pk}/act/accept/").status_code == 403
    # A reviewer of another district: not theirs, so not found.
    client.force_login(world.other_reviewer)
    assert client.post(f"/proposals/{proposal.pk}/act/accept/").status_code == 404
    # A department it is not assigned to.
    client.force_login(world.housing_clerk)
    assert client.post(f"/proposals/{proposal.pk}/act/accept/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal_events() == before


def test_it_merges_into_a_proposal_of_the_same_organisation(client, world):
    main = accepted(world, key="wang", title="关于老旧小区加装电梯的建议")
    proposal = submitted(world)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    # The merge target is searched on the server (core.pickers): the page names the source,
    # which finds the open proposal by its number.
    select = re.search(r'<select[^>]*id="id_merge-into"[^>]*>', page).group(0)
    source = html.unescape(re.search(r'data-picker-source="([^"]+)"', select).group(1))
    found = client.get(f"{source}&q={main.number}").json()["results"]
    assert [r["value"] for r in found] == [str(main.pk)]
    response = client.post(
        f"/proposals/{proposal.pk}/act/merge/", {"merge-into": main.pk, "merge-note": "同一事项"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.merged_into) == (S.MERGED, main)


def test_it_returns_for_revision_once_and_the_member_sees_the_note(client, world):
    proposal = submitted(world)
    client.force_login(world.reviewer)
    response = client.post(f"/proposals/{proposal.pk}/act/return/", {"return-note": ""})
    assert response.status_code == 400 and "请写明修改意见。" in response.content.decode()
    client.post(f"/proposals/{proposal.pk}/act/return/", {"return-note": "请补充资金测算"})
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert "请补充资金测算" in page
    client.post(f"/proposals/{proposal.pk}/act/submit/")
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert ">立案</button>" in page and ">退回修改</button>" not in page


# --- The assignment meeting (交办会) ------------------------------------------------------------


@pytest.mark.clause("C4.5")
def test_the_assignment_board_assigns_several_proposals_in_one_submit(client, world):
    elevator = accepted(world, title="关于加装电梯的建议")
    school = accepted(world, key="wang", title="关于学校课后服务的建议")
    later = accepted(world, key="li", title="关于以后再议的建议")
    client.force_login(world.reviewer)
    page = client.get("/proposals/board/").content.decode()
    assert all(p.title in page for p in (elevator, school, later))
    response = client.post(
        "/proposals/board/",
        board_post(
            [elevator, school, later],
            {
                elevator: {"mode": "lead", "lead": world.housing.pk, "others": world.education.pk},
                school: {"mode": "split", "lead": world.education.pk, "others": world.housing.pk},
            },
        ),
        follow=True,
    )
    assert "已交办2件提案" in response.content.decode()
    roles = dict(
        Assignment.objects.filter(proposal=elevator).values_list("department__name", "role")
    )
    assert roles == {"区住房和城乡建设局": "lead", "区教育局": "co"}
    assert set(Assignment.objects.filter(proposal=school).values_list("role", flat=True)) == {
        "split"
    }
    assert Task.objects.filter(kind=Task.Kind.PROPOSAL).count() == 3  # lead + two split
    later.refresh_from_db()
    assert later.status == S.ACCEPTED
    assert later.title in response.content.decode()  # still on the board for next time


@pytest.mark.clause("C4.5")
def test_the_second_clerk_assigning_the_same_proposal_is_told_and_nothing_is_lost(world):
    first, second, third = (
        accepted(world, title="关于加装电梯的建议"),
        accepted(world, key="wang", title="关于学校课后服务的建议"),
        accepted(world, key="li", title="关于社区食堂的建议"),
    )
    clerk_a, clerk_b = Client(), Client()
    clerk_a.force_login(world.reviewer)
    clerk_b.force_login(world.reviewer2)
    loaded = [first, second, third]
    assert clerk_a.get("/proposals/board/").status_code == 200
    assert clerk_b.get("/proposals/board/").status_code == 200
    clerk_a.post(
        "/proposals/board/",
        board_post(
            loaded, {first: {"lead": world.housing.pk}, second: {"lead": world.education.pk}}
        ),
    )
    response = clerk_b.post(
        "/proposals/board/",
        board_post(
            loaded, {first: {"lead": world.education.pk}, third: {"lead": world.housing.pk}}
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "该提案已由他人交办" in html
    assert "区住房和城乡建设局（主办）" in html  # who has it now
    assert "已交办1件提案" in html
    # The second clerk's choice for the conflicting row is still shown.
    row = html.split(f'id="lead-{first.pk}"')[1].split("</select>")[0]
    assert re.search(rf'<option value="{world.education.pk}"[^>]*\bselected', row), row
    # The first clerk's assignment stands; the second clerk's other row went through.
    assert list(
        Assignment.objects.filter(proposal=first).values_list("department__name", flat=True)
    ) == ["区住房和城乡建设局"]
    assert Assignment.objects.get(proposal=third).department == world.housing
    assert Event.objects.filter(verb="proposal.assign").count() == 3


def test_the_board_shows_a_bad_row_inline_and_keeps_the_others(client, world):
    good, bad = accepted(world), accepted(world, key="wang", title="关于学校课后服务的建议")
    client.force_login(world.reviewer)
    response = client.post(
        "/proposals/board/",
        board_post(
            [good, bad],
            {
                good: {"lead": world.housing.pk},
                bad: {"lead": world.housing.pk, "others": world.housing.pk},
            },
        ),
    )
    assert response.status_code == 400
    assert "同一单位不能重复交办。" in response.content.decode()
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (S.ASSIGNED, S.ACCEPTED)


# --- Overdue and key proposals ------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_lists_proposals_whose_lead_department_is_past_due(client, world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        late = accepted(world, title="关于迟迟未办的建议")
        services.proposal_assign(proposal=late, actor=world.reviewer, lead=world.housing)
        on_time = accepted(world, key="wang", title="关于按时办理的建议")
    with time_machine.travel(dt.datetime(2026, 5, 25, 2, 0, tzinfo=dt.UTC)):
        services.proposal_assign(proposal=on_time, actor=world.reviewer, lead=world.education)
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)):
        client.force_login(world.reviewer)
        html = client.get("/proposals/overdue/").content.decode()
    assert "关于迟迟未办的建议" in html and "区住房和城乡建设局" in html
    assert "关于按时办理的建议" not in html
    # How far behind, in working days counted one by one after the due date up to 6月15日.
    due = late.assignments.get().task.due_date
    behind = sum(
        calendar.is_working_day(due + dt.timedelta(days=n))
        for n in range(1, (dt.date(2026, 6, 15) - due).days + 1)
    )
    assert behind > 0 and f"已逾期{behind}个工作日" in html


@pytest.mark.clause("C4.5")
@pytest.mark.clause("C4.2")
def test_the_committee_shortlists_and_the_chair_approves_a_key_proposal(client, world):
    proposal = accepted(world)
    client.force_login(world.reviewer)
    page = client.get("/proposals/key/").content.decode()
    assert proposal.title in page and "拟定为重点提案" in page
    client.post(f"/proposals/{proposal.pk}/act/shortlist/", {"next": "/proposals/key/"})
    # The committee cannot approve its own shortlist.
    assert client.post(f"/proposals/{proposal.pk}/act/approve_key/").status_code == 403
    client.force_login(world.chair)
    queue = client.get("/proposals/key/approve/").content.decode()
    assert proposal.title in queue and "确定为重点提案" in queue
    response = client.post(
        f"/proposals/{proposal.pk}/act/approve_key/", {"approve_key-leading_leader": " "}
    )
    assert response.status_code == 400 and "请确定领办领导。" in response.content.decode()
    response = client.post(
        f"/proposals/{proposal.pk}/act/approve_key/",
        {"approve_key-leading_leader": "李副区长", "next": "/proposals/key/approve/"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.key_status, proposal.leading_leader) == ("approved", "李副区长")
    assert proposal.title not in client.get("/proposals/key/approve/").content.decode()
    client.force_login(world.reviewer)
    response = client.post(
        f"/proposals/{proposal.pk}/act/supervise/",
        # Supervision is done after the acceptance (a date before it is refused): today.
        {
            "supervise-date": timezone.localdate().isoformat(),
            "supervise-way": "field",
            "supervise-note": "现场查看",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "李副区长" in page and "实地考察" in page


@pytest.mark.clause("C4.5")
def test_the_chair_reads_the_shortlisting_reason_and_may_decline_with_a_reason(client, world):
    from xieshang.core.models import Event

    proposal = accepted(world)
    client.force_login(world.reviewer)
    client.post(
        f"/proposals/{proposal.pk}/act/shortlist/",
        {"shortlist-note": "涉及校园安全，社会关注度高。", "next": "/proposals/key/"},
    )
    client.force_login(world.chair)
    queue = client.get("/proposals/key/approve/").content.decode()
    assert "涉及校园安全，社会关注度高。" in queue and "不列为重点提案" in queue
    url = f"/proposals/{proposal.pk}/act/decline_key/"
    refused = client.post(url, {"decline_key-note": " ", "next": "/proposals/key/approve/"})
    assert refused.status_code == 400
    proposal.refresh_from_db()
    assert proposal.key_status == "shortlisted"
    response = client.post(
        url, {"decline_key-note": "本年度同类重点提案已有两件。", "next": "/proposals/key/approve/"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.key_status == ""
    assert proposal.title not in client.get("/proposals/key/approve/").content.decode()
    event = Event.objects.get(verb="proposal.key_decline")
    assert (event.actor_id, event.note) == (world.chair.pk, "本年度同类重点提案已有两件。")
    # Back among the committee's candidates; the committee cannot decline for the meeting.
    client.force_login(world.reviewer)
    assert proposal.title in client.get("/proposals/key/").content.decode()
    assert client.post(url, {"decline_key-note": "无"}).status_code == 403


@pytest.mark.clause("C4.6")
def test_the_committee_orders_rehandling_after_an_unsatisfied_rating_and_closes(client, world):
    proposal = answered(world)
    answer = proposal.assignments.get().answers.get()
    services.evaluation_submit(
        answer=answer,
        actor=world.user("zhang"),
        process="satisfied",
        result="unsatisfied",
        comment="未解决",
    )
    client.force_login(world.reviewer)
    response = client.post(
        f"/proposals/{proposal.pk}/act/rehandle/", {"rehandle-note": "请落实资金后再答复"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    assert proposal.assignments.filter(round=2).count() == 1
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "重新办理" in page


@pytest.mark.clause("C4.6")
def test_rehandling_is_offered_only_when_the_service_would_allow_it(client, world):
    proposal = answered(world)
    answer = proposal.assignments.get().answers.get()
    client.force_login(world.reviewer)
    url = f"/proposals/{proposal.pk}/"
    # Answered but not rated yet: 重新办理 would be refused, so it is not offered.
    assert 'id="form-rehandle"' not in client.get(url).content.decode()
    assert 'id="form-close"' in client.get(url).content.decode()
    services.evaluation_submit(
        answer=answer, actor=world.user("zhang"), process="satisfied", result="satisfied"
    )
    assert 'id="form-rehandle"' not in client.get(url).content.decode()
    # Rated unsatisfied (here the process): now it is offered, and it works.
    proposal2 = answered(world, key="wang", title="关于第二件事的建议")
    answer2 = proposal2.assignments.get().answers.get()
    services.evaluation_submit(
        answer=answer2,
        actor=world.user("wang"),
        process="unsatisfied",
        result="basically",
        comment="沟通不够",
    )
    url2 = f"/proposals/{proposal2.pk}/"
    assert 'id="form-rehandle"' in client.get(url2).content.decode()
    response = client.post(f"{url2}act/rehandle/", {"rehandle-note": "请加强沟通后再答复"})
    assert response.status_code == 302
    proposal2.refresh_from_db()
    assert proposal2.status == S.ASSIGNED and proposal2.rehandled


@pytest.mark.parametrize("n", [3, 30])
def test_the_proposal_page_has_a_fixed_number_of_queries_for_the_committee(
    client, world, n, django_assert_num_queries
):
    for i in range(n - 1):
        accepted(world, key="wang", title=f"关于第{i}件事的建议")
    proposal = answered(world, cosigners=["wang", "li"])
    client.force_login(world.reviewer)
    client.get(f"/proposals/{proposal.pk}/")
    with django_assert_num_queries(DETAIL_COMMITTEE_QUERIES):
        response = client.get(f"/proposals/{proposal.pk}/")
    html = response.content.decode()
    assert ">办结</button>" in html and ">不予公开</button>" in html


# +1 since the attachments (附件) are listed on the page (one prefetch); +1 since 重新办理
# is offered only after an unsatisfied rating (services.rehandle_refusal asks once); -1 since
# 督办 records are read for a key proposal only (perf-page, 2026-12-06); +1 since the
# permission check reads only the columns it asks for and the page, built, reads the proposal
# whole after it (page-read, 2026-12-06: a kept page reads less; REGION_CACHE is off here).
# +3 since the committee may record an evaluation for the proposers (代为评价): its form says
# the date to rate by, the rule and the calendar around it and around today, as the
# proposer's own form does (DETAIL_PROPOSER_QUERIES).
DETAIL_COMMITTEE_QUERIES = 20
