"""The member's proposal pages: drafting, co-signing, the proposal page and rating answers."""

import pytest

from tests.proposals.conftest import PROPOSAL_TEXT, accepted, answered, draft, submitted
from xieshang.core.models import Event
from xieshang.proposals import services
from xieshang.proposals.models import Evaluation, Proposal, Rating, Signer

S = Proposal.Status


def form_data(**overrides):
    data = {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "save"}
    data.update(overrides)
    return data


# --- Visibility ---------------------------------------------------------------------------------


def test_it_never_shows_a_member_another_members_draft(client, world):
    mine = draft(world, key="zhang", title="张委员的草稿")
    client.force_login(world.user("wang"))
    assert "张委员的草稿" not in client.get("/proposals/mine/").content.decode()
    assert "张委员的草稿" not in client.get("/proposals/").content.decode()
    assert client.get(f"/proposals/{mine.pk}/").status_code == 404
    assert client.get(f"/proposals/{mine.pk}/edit/").status_code == 404
    # Not even the proposal committee sees a draft.
    client.force_login(world.reviewer)
    assert client.get(f"/proposals/{mine.pk}/").status_code == 404
    client.force_login(world.user("zhang"))
    assert "张委员的草稿" in client.get("/proposals/mine/").content.decode()


def test_it_shows_a_department_only_the_proposals_assigned_to_it(client, world):
    proposal = accepted(world)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    client.force_login(world.education_clerk)
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    client.force_login(world.housing_clerk)
    response = client.get(f"/proposals/{proposal.pk}/")
    assert response.status_code == 200
    assert "区住房和城乡建设局" in response.content.decode()


# --- Drafting -----------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_drafts_a_joint_proposal_and_sends_it_to_the_cosigners(client, world):
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    assert 'data-picker-source="/pickers/proposal-cosigners/"' in page  # searched, not listed
    response = client.post(
        "/proposals/new/",
        form_data(do="submit", cosigners=[world.members["wang"].pk]),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.status == S.COSIGNING
    assert list(proposal.signers.values_list("member__name", flat=True)) == ["王建国"]

    client.force_login(world.user("wang"))
    invitations = client.get("/proposals/cosign/").content.decode()
    assert PROPOSAL_TEXT["title"] in invitations and "确认联名" in invitations
    response = client.post(
        f"/proposals/{proposal.pk}/act/cosign_confirm/", {"next": "/proposals/cosign/"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.signers.get().status == Signer.Status.CONFIRMED
    detail = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert proposal.number in detail and "已确认" in detail


def test_it_keeps_what_the_member_typed_when_the_draft_is_refused(client, world):
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        form_data(title="", facts="老人吃饭难。", suggestions="建议开设社区食堂。"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors == {"title": ["请填写案由。"]}
    assert "老人吃饭难。" in html and "建议开设社区食堂。" in html
    assert not Proposal.objects.exists()


def test_a_draft_is_saved_before_the_suggestions_are_written(client, world):
    """A member writes on a phone in several sittings: 案由 and 现状与问题 are enough to
    keep a draft; the rest is asked for on submission."""
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        {"title": "关于社区食堂的建议", "facts": "老人吃饭难。", "do": "save"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.facts, proposal.suggestions) == (S.DRAFT, "老人吃饭难。", "")
    assert "草稿已保存。" in client.get(response.url).content.decode()
    # Edited later, still without suggestions: saved too.
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {
            "title": "关于社区食堂的建议",
            "facts": "老人吃饭难。",
            "analysis": "缺少场地。",
            "version": proposal.version,
            "do": "save",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.analysis == "缺少场地。"
    # Over the length limit: still saved as a draft (the limit is the submission's rule,
    # tests/proposals/test_long_draft.py).
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        {"title": "关于社区食堂的建议", "facts": "字" * 3001, "version": proposal.version},
    )
    assert response.status_code == 302


def test_an_empty_proposal_sent_to_review_marks_every_missing_field_at_once(client, world):
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        {"title": "", "facts": "老人吃饭难。", "proposer_opt_out": "on", "is_public_interest": "on"}
        | {"do": "submit"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # The service's rules (案由, 具体建议, 提案分类) with the form's own (the two ticks).
    assert errors["title"] == ["请填写案由。"]
    assert errors["suggestions"] == ["请填写具体建议。"]
    assert errors["category"] == ["提交前请选择提案分类。"]
    assert "proposer_opt_out" in errors
    html = response.content.decode()
    assert "老人吃饭难。" in html  # what was typed is kept
    assert not Proposal.objects.exists()
    # Everything filled in: one more try is enough.
    response = client.post("/proposals/new/", form_data(do="submit", title=PROPOSAL_TEXT["title"]))
    assert response.status_code == 302
    assert Proposal.objects.get().status == S.SUBMITTED


def test_it_refuses_a_body_over_the_configured_limit_on_the_form(client, world):
    client.force_login(world.user("zhang"))
    response = client.post("/proposals/new/", form_data(facts="字" * 3001, do="submit"))
    assert response.status_code == 400
    assert "超过3000字的上限" in response.content.decode()
    assert 'data-max="3000"' in response.content.decode()


def test_it_refuses_a_stale_edit_and_keeps_the_members_text(client, world):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
    # Meanwhile the same draft is saved from another window.
    services.proposal_update(
        proposal=proposal, actor=world.user("zhang"), expected_version=1, title="另一窗口的案由"
    )
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(title="我刚改的案由", version="1")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "已在其他窗口或由他人修改" in html
    assert 'value="我刚改的案由"' in html
    proposal.refresh_from_db()
    assert proposal.title == "另一窗口的案由"
    # Having looked, the member saves again on purpose: the refused page carried the
    # version now saved, so the second press is not refused the same way for ever.
    assert "请再次保存" in html and 'name="version" value="2"' in html
    response = client.post(
        f"/proposals/{proposal.pk}/edit/", form_data(title="我刚改的案由", version="2")
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("我刚改的案由", 3)


def test_it_saves_an_edit_and_submits_from_the_proposal_page(client, world):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(title="关于加装电梯的建议（修改稿）", version="1"),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version, proposal.status) == (
        "关于加装电梯的建议（修改稿）",
        2,
        S.DRAFT,
    )
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "修改提案" in page and "提交提案" in page
    client.post(f"/proposals/{proposal.pk}/act/submit/")
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert f"/proposals/{proposal.pk}/act/submit/" not in page  # no second submission
    assert "提交提案 （草稿 → 待审查）" in page  # the history panel


def test_it_shows_similar_existing_proposals_while_the_member_types(client, world):
    submitted(world, key="wang", title="关于老旧小区加装电梯的建议")
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    assert 'hx-post="/proposals/similar/"' in page and 'hx-target="#similar-panel"' in page
    response = client.post(
        "/proposals/similar/",
        {"title": "老旧小区加装电梯", "facts": PROPOSAL_TEXT["facts"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "关于老旧小区加装电梯的建议" in response.content.decode()
    # The member sees another member's title only, not a link to a page they may not open.
    earlier = Proposal.objects.get(title="关于老旧小区加装电梯的建议")
    assert f'href="/proposals/{earlier.pk}/"' not in response.content.decode()
    # The reviewer's page links each similar proposal, to compare before deciding (the panel
    # arrives by htmx after the page: tests/proposals/test_detail_similar.py).
    mine = submitted(world, title="关于加装电梯的建议")
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{mine.pk}/similar/").content.decode()
    panel = page.split('id="similar-list"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/proposals/{earlier.pk}/"' in panel


# --- Rating -------------------------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_it_lets_each_proposer_rate_the_answer_and_keeps_a_refused_rating(client, world):
    proposal = answered(world, cosigners=["wang"])
    client.force_login(world.user("wang"))
    to_rate = client.get("/proposals/to-rate/").content.decode()
    assert proposal.title in to_rate and "区住房和城乡建设局" in to_rate
    answer_pk = proposal.assignments.get().answers.get().pk
    prefix = f"rate{answer_pk}"
    url = f"/proposals/{proposal.pk}/answers/{answer_pk}/rate/"
    response = client.post(
        url, {f"{prefix}-process": Rating.SATISFIED, f"{prefix}-result": Rating.UNSATISFIED}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不满意时请写明意见。" in html
    assert html.count("checked") == 2  # both ratings the member chose are still chosen
    assert not Evaluation.objects.exists()
    response = client.post(
        url,
        {
            f"{prefix}-process": Rating.SATISFIED,
            f"{prefix}-result": Rating.UNSATISFIED,
            f"{prefix}-comment": "电梯仍未开工。",
            "next": "/proposals/to-rate/",
        },
    )
    assert response.status_code == 302 and response.url == "/proposals/to-rate/"
    evaluation = Evaluation.objects.get()
    assert (evaluation.member, evaluation.result) == (world.members["wang"], Rating.UNSATISFIED)
    assert proposal.title not in client.get("/proposals/to-rate/").content.decode()
    # The first proposer still has it to rate.
    client.force_login(world.user("zhang"))
    assert proposal.title in client.get("/proposals/to-rate/").content.decode()


def test_it_lets_nobody_but_a_proposer_rate(client, world):
    proposal = answered(world)
    answer_pk = proposal.assignments.get().answers.get().pk
    client.force_login(world.reviewer)
    before = Event.objects.count()
    prefix = f"rate{answer_pk}"
    response = client.post(
        f"/proposals/{proposal.pk}/answers/{answer_pk}/rate/",
        {f"{prefix}-process": Rating.SATISFIED, f"{prefix}-result": Rating.SATISFIED},
    )
    assert response.status_code == 403
    assert Event.objects.count() == before and not Evaluation.objects.exists()


def test_the_proposer_of_a_merged_proposal_rates_the_answer_it_was_merged_into(client, world):
    main = accepted(world, key="wang", title="关于老旧小区加装电梯的建议")
    merged = submitted(world, key="zhang", title="关于多层住宅增设电梯的建议")
    services.proposal_merge(proposal=merged, into=main, actor=world.reviewer)
    (lead,) = services.proposal_assign(proposal=main, actor=world.reviewer, lead=world.housing)
    services.answer_submit(
        assignment=lead,
        actor=world.housing_clerk,
        category="B",
        text="已列入明年计划。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0571-8888",
    )
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{merged.pk}/").content.decode()
    assert "已列入明年计划。" in page and "提交评价" in page
    answer = lead.answers.get()
    prefix = f"rate{answer.pk}"
    response = client.post(
        f"/proposals/{merged.pk}/answers/{answer.pk}/rate/",
        {f"{prefix}-process": Rating.SATISFIED, f"{prefix}-result": Rating.BASICALLY},
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().member == world.members["zhang"]


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_my_proposals_page_has_a_fixed_number_of_queries(
    client, world, n, django_assert_num_queries
):
    for i in range(n):
        proposal = submitted(world, title=f"关于第{i}件事的建议", cosigners=["wang"])
        if i % 3 == 0:
            services.proposal_accept(proposal=proposal, actor=world.reviewer)
    client.force_login(world.user("zhang"))
    client.get("/proposals/mine/")
    with django_assert_num_queries(MINE_QUERIES):
        response = client.get("/proposals/mine/")
    assert response.content.decode().count('href="/proposals/') - NAV_LINKS == n


# session, user, role assignments, unread count, the member, the member's seats (a former
# member drafts no more: 撰写提案 is not offered), page count, proposals, signers,
# assignments, answers (the session was renewed by the warm-up).
MINE_QUERIES = 10
# Links to /proposals/ on the page that are not proposals: nav, tabs, "撰写提案".
NAV_LINKS = 5


@pytest.mark.parametrize("n", [3, 30])
def test_the_proposal_page_has_a_fixed_number_of_queries_for_its_proposer(
    client, world, n, django_assert_num_queries
):
    for i in range(n - 1):
        submitted(world, key="wang", title=f"关于第{i}件事的建议")
    proposal = answered(world, cosigners=["wang", "li"])
    client.force_login(world.user("zhang"))
    client.get(f"/proposals/{proposal.pk}/")
    with django_assert_num_queries(DETAIL_PROPOSER_QUERIES):
        response = client.get(f"/proposals/{proposal.pk}/")
    assert "提交评价" in response.content.decode()


# session, user, proposal, signers, attachments, merged proposals, the member, role
# assignments, assignments, contacts, answers, ratings, outcome categories, unread count,
# history (the session was renewed by the warm-up: not written within the minute); for the
# date to rate by, the rule and the calendar around it and around today. The 督办 records
# are read for a key proposal only (perf-page). +1: the permission check's own read of the
# columns it asks for, in front of the whole proposal's (page-read, 2026-12-06).
DETAIL_PROPOSER_QUERIES = 19


def test_the_history_shows_state_labels_never_codes(client, world):
    """Issue 10: histories read "（— → draft）" on the Chinese interface."""
    proposal = submitted(world, key="zhang")
    client.force_login(world.user("zhang"))
    history = client.get(f"/proposals/{proposal.pk}/").content.decode()
    history = history.split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert "（— → 草稿）" in history and "（草稿 → 待审查）" in history
    for code in ("draft", "submitted", "→ —"):
        assert code not in history, code
    # The labels follow the interface language, whatever language the event was written in.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/proposals/{proposal.pk}/").content.decode()
    english = english.split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert "Draft" in english and "草稿" not in english


def test_a_proposal_goes_to_review_only_with_a_category(client, world):
    client.force_login(world.user("zhang"))
    # Sent from the form without one: said on the field, nothing saved, the text kept.
    response = client.post("/proposals/new/", form_data(do="submit", category=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交前请选择提案分类。" in html and PROPOSAL_TEXT["facts"] in html
    assert not Proposal.objects.exists()
    # Everything missing is said at once, not one thing a try.
    response = client.post("/proposals/new/", form_data(do="submit", category="", suggestions=""))
    html = response.content.decode()
    assert "提交前请选择提案分类。" in html and "请填写具体建议。" in html
    assert not Proposal.objects.exists()
    # A draft may wait for it; its submit button then says what is missing.
    assert client.post("/proposals/new/", form_data(category="")).status_code == 302
    proposal = Proposal.objects.get()
    response = client.post(f"/proposals/{proposal.pk}/act/submit/")
    assert response.status_code == 400
    assert "提交前请选择提案分类。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_contradictory_publication_ticks_are_asked_about_not_guessed(client, world):
    client.force_login(world.user("zhang"))
    response = client.post("/proposals/new/", form_data(proposer_opt_out="on"))
    assert response.status_code == 400
    assert "请只勾选其中一项" in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(
        "/proposals/new/", form_data(is_public_interest="", proposer_opt_out="on")
    )
    assert response.status_code == 302
    assert Proposal.objects.get().proposer_opt_out


def test_an_empty_rating_or_merge_says_what_is_missing_in_its_own_words(client, world):
    proposal = answered(world)
    answer_pk = proposal.assignments.get().answers.get().pk
    client.force_login(world.user("zhang"))
    response = client.post(f"/proposals/{proposal.pk}/answers/{answer_pk}/rate/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请对办理过程作出评价。" in html and "请对办理结果作出评价。" in html
    assert "这个字段是必填项" not in html
    other = submitted(world, title="关于另一件事的建议")
    client.force_login(world.reviewer)
    response = client.post(f"/proposals/{other.pk}/act/merge/", {"merge-note": "同一事项"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择要并入的提案。" in html and "这个字段是必填项" not in html
