"""What a member met drafting on a phone (2026-12-05): a long draft refused, an empty
similar-proposals panel on a reopened draft, a resubmission that did not say the co-signers
were asked again, 草稿 / 草稿 in the breadcrumb, a second tab's save called "someone
else's", and every refused action's reason said twice on the proposal page."""

import pytest

from tests.proposals.conftest import PROPOSAL_TEXT, draft, submitted
from xieshang.proposals import services
from xieshang.proposals.models import Proposal, Signer

S = Proposal.Status


def form_data(**overrides):
    return {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "save", **overrides}


def returned(world, cosigners=("wang",)):
    proposal = submitted(world, cosigners=list(cosigners))
    services.proposal_return(proposal=proposal, actor=world.reviewer, note="建议部分请具体化。")
    proposal.refresh_from_db()
    return proposal


def follow(client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url).content.decode()


# --- 1. A long draft is saved; the submission refuses it --------------------------------------


@pytest.mark.clause("C4.6")
def test_a_draft_over_the_length_limit_is_saved_and_its_submission_refused(client, world):
    client.force_login(world.user("zhang"))
    long = "老旧小区加装电梯难。" * 320  # 3,200 characters
    page = follow(client, client.post("/proposals/new/", form_data(facts=long)))
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.facts) == (S.DRAFT, long)
    # Saved, and told that it must be cut before it can be submitted.
    assert "草稿已保存。" in page and "超过3000字的上限" in page

    # 保存并提交: refused, the field marked, the text kept, nothing submitted.
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(facts=long, version=proposal.version) | {"do": "submit"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["facts"] == [
        f"正文共{proposal.body_length}字，超过3000字的上限，请删减后再提交。"
    ]
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_facts_error"' in html
    assert long in html
    # The 提交提案 button on the proposal page is refused too, with the same reason.
    response = client.post(f"/proposals/{proposal.pk}/act/submit/")
    assert response.status_code == 400
    assert "超过3000字的上限" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_a_draft_beyond_the_hard_cap_is_refused_with_the_text_kept(client, world):
    client.force_login(world.user("zhang"))
    huge = "字" * 20001
    response = client.post("/proposals/new/", form_data(facts=huge, analysis="", suggestions=""))
    assert response.status_code == 400
    assert response.context["form"].errors["facts"] == [
        "正文共20001字，草稿最多保存20000字，请删减后再保存。"
    ]
    assert huge in response.content.decode()
    assert not Proposal.objects.exists()


# --- 2. The similar proposals of a reopened draft ----------------------------------------------


def test_a_reopened_draft_shows_its_similar_proposals_at_once(client, world):
    other = submitted(world, key="wang", title="关于推进老旧小区加装电梯的建议")
    mine = draft(world)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{mine.pk}/edit/").content.decode()
    panel = page.split('id="similar-panel"', 1)[1].split("</section>", 1)[0]
    assert other.title in panel and "相似度" in panel
    assert mine.title not in panel  # not itself
    # A new, empty draft has nothing to compare yet.
    page = client.get("/proposals/new/").content.decode()
    panel = page.split('id="similar-panel"', 1)[1].split("</section>", 1)[0]
    assert "输入案由和正文后" in panel and other.title not in panel
    # A form shown again with its errors compares what was typed.
    response = client.post("/proposals/new/", form_data(title=""))
    panel = response.content.decode().split('id="similar-panel"', 1)[1].split("</section>", 1)[0]
    assert other.title in panel


# --- 3. A resubmission that asks the co-signers again says so ----------------------------------


@pytest.mark.clause("C4.6")
def test_resubmitting_a_changed_text_says_the_co_signers_are_asked_again(client, world):
    proposal = returned(world)
    client.force_login(world.user("zhang"))
    # Told in advance, on the proposal page and on the edit page.
    for url in (f"/proposals/{proposal.pk}/", f"/proposals/{proposal.pk}/edit/"):
        note = client.get(url).content.decode().split('id="reask-note"', 1)[1].split("</div>")[0]
        assert "修改案由或正文后提交的，须重新请已确认的联名人（王建国）确认" in note
        assert "提案分类、建议主办单位、公开意愿或附件的，无需重新确认" in note
    # Saved with a new title: the page says they will be asked at the submission.
    new_title = "关于加快老旧小区加装电梯和适老化改造的建议"
    page = follow(
        client,
        client.post(
            f"/proposals/{proposal.pk}/edit/", form_data(title=new_title, version=proposal.version)
        ),
    )
    assert "标题或正文已修改，提交后将重新请联名人确认：王建国。" in page
    assert "案由或正文已修改，提交后将重新请联名人确认：王建国。" in page  # reask-note
    # Submitted: said what happened, not a first invitation.
    page = follow(client, client.post(f"/proposals/{proposal.pk}/act/submit/"))
    assert "标题或正文已修改，已重新请联名人确认：王建国。全部联名人确认后提案进入审查。" in page
    assert "已发送联名邀请" not in page
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING


def test_resubmitting_from_the_edit_page_says_so_too_and_an_unchanged_text_goes_to_review(
    client, world
):
    proposal = returned(world)
    client.force_login(world.user("zhang"))
    data = form_data(analysis="新的原因分析。", version=proposal.version, do="submit")
    page = follow(client, client.post(f"/proposals/{proposal.pk}/edit/", data))
    assert "标题或正文已修改，已重新请联名人确认：王建国。" in page
    # Only the category changed: no one is asked again, the proposal is in review.
    other = returned(world)
    data = form_data(category="经济建设", version=other.version, do="submit")
    page = follow(client, client.post(f"/proposals/{other.pk}/edit/", data))
    assert "重新请联名人确认" not in page and "提案已提交" in page
    assert other.signers.get().status == Signer.Status.CONFIRMED


# --- 5. The breadcrumb -------------------------------------------------------------------------


def test_the_breadcrumb_ends_with_the_proposals_title_or_the_page(client, world):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    crumbs = page.split('class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert crumbs.count("草稿") == 1
    assert 'aria-current="page">关于加快老旧小区加装电梯的建议</li>' in crumbs
    crumbs = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    crumbs = crumbs.split('class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert 'aria-current="page">编辑草稿</li>' in crumbs
    crumbs = client.get("/proposals/new/").content.decode()
    crumbs = crumbs.split('class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert 'aria-current="page">新提案</li>' in crumbs


# --- 6. The same draft saved in another tab ----------------------------------------------------


def test_a_save_from_a_stale_tab_says_another_window_keeps_the_text_and_offers_a_reload(
    client, world
):
    proposal = draft(world)
    client.force_login(world.user("zhang"))
    client.get(f"/proposals/{proposal.pk}/edit/")
    services.proposal_update(  # the other tab
        proposal=proposal, actor=world.user("zhang"), expected_version=1, title="另一窗口的案由"
    )
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(title="本窗口的案由", facts="本窗口写的现状。", version="1"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    error = html.split('id="form-error"', 1)[1].split("</div>\n", 1)[0]
    assert "该记录在您打开此页后已在其他窗口或由他人修改并保存" in error
    assert "已被他人修改" not in html
    # What was typed is kept, and a reload is offered.
    assert 'value="本窗口的案由"' in html and "本窗口写的现状。" in html
    assert f'href="/proposals/{proposal.pk}/edit/" id="stale-reload"' in error
    proposal.refresh_from_db()
    assert proposal.title == "另一窗口的案由"


# --- 7. A refused action says why once, at its form --------------------------------------------


def test_a_refused_action_says_why_once_at_its_form_with_the_input_kept(client, world):
    proposal = submitted(world)
    client.force_login(world.reviewer)
    services.proposal_accept(proposal=proposal, actor=world.reviewer2)  # another reviewer first
    response = client.post(f"/proposals/{proposal.pk}/act/return/", {"return-note": "请补充数据"})
    html = response.content.decode()
    assert response.status_code == 400
    reason = response.context["forms"]["return"].non_field_errors()[0]
    assert html.count(reason) == 1
    at_form = html.split('id="form-return"', 1)[1].split("</form>", 1)[0]
    assert reason in at_form and "请补充数据" in at_form
    top = html.split('id="action-error"', 1)[1].split("</div>", 1)[0]
    assert 'href="#form-return"' in top


def test_a_refused_button_says_why_once_beside_it(client, world):
    proposal = draft(world, suggestions="")
    client.force_login(world.user("zhang"))
    response = client.post(f"/proposals/{proposal.pk}/act/submit/")
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("请填写具体建议。") == 1
    card = html.split('id="own-actions-error"', 1)[1].split("</div></div>", 1)[0]
    assert "请填写具体建议。" in card
    assert 'href="#own-actions"' in html.split('id="action-error"', 1)[1].split("</div>", 1)[0]


def test_the_length_error_is_shown_at_the_part_that_is_long(client, world):
    client.force_login(world.user("zhang"))
    long = "建议在每个街道设立普惠托育点。" * 220  # 3,300 characters of suggestions
    follow(client, client.post("/proposals/new/", form_data(suggestions=long)))
    proposal = Proposal.objects.get()
    response = client.post(
        f"/proposals/{proposal.pk}/edit/",
        form_data(suggestions=long, version=proposal.version) | {"do": "submit"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "超过3000字的上限" in errors["suggestions"][0] and "facts" not in errors
