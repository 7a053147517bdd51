"""The answer's category (办理结果分类) in the reader's language: a page in English read
"B 正在解决或已列入计划" under an English heading. The default labels are translated; an
organisation's own labels stay as it typed them; stored text stays in the site's language."""

import re

from django.utils import timezone, translation

from tests.proposals.conftest import accepted, answered, draft
from xieshang.core.audit import history
from xieshang.orgs import config
from xieshang.proposals import rules, services


def test_the_proposal_page_shows_the_category_in_english(client, world):
    proposal = answered(world)
    client.cookies["django_language"] = "en"

    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    # The answer's badge, and its line in the history.
    assert '<span class="badge text-bg-info">A Solved or largely solved</span>' in page
    assert "已解决或基本解决" not in page


def test_the_answers_history_line_reads_in_the_readers_language(world):
    """A tester reading in English saw "A 已解决或基本解决" in the history under English
    headings: the note was a string in the writer's words. Stored in the site's language,
    it is shown in each reader's; an organisation's own label stays as typed."""
    proposal = answered(world)
    events = [e for e in history(proposal) if (e.data or {}).get("category")]
    assert [e.verb for e in events] == ["proposal.answer"]
    for event in events:
        assert event.note == "A 已解决或基本解决"
        with translation.override("en"):
            assert event.shown_note == "A Solved or largely solved"
    config.set_value(
        proposal.organisation,
        rules.OUTCOME_CATEGORIES,
        [["A", "已解决或基本解决"], ["B", "已列入计划"], ["C", "留作参考"]],
        actor=world.reviewer,
    )
    with translation.override("en"):
        # Own labels are never looked up in the catalogue (已列入计划 is "In the plan" there).
        assert str(services.category_note(proposal.organisation, "B")) == "B 已列入计划"
        assert str(services.category_note(proposal.organisation, "A")) == (
            "A Solved or largely solved"
        )


def test_the_departments_answer_form_offers_the_categories_in_english(client, world):
    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    client.cookies["django_language"] = "en"
    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert "Being solved or included in plans" in page
    assert "正在解决或已列入计划" not in page


def test_an_organisations_own_labels_stay_as_typed(client, world):
    proposal = answered(world)
    config.set_value(
        proposal.organisation,
        rules.OUTCOME_CATEGORIES,
        [["A", "已办结（本会自定）"], ["B", "正在解决或已列入计划"], ["C", "留作参考"]],
        actor=world.reviewer,
    )
    client.cookies["django_language"] = "en"
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "已办结（本会自定）" in page


def test_the_answer_form_shows_an_organisations_own_labels_as_typed(client, world):
    """The answer form takes its labels from `outcome_category_labels`, as the proposal's page
    does: an own label that happens to be another string of the catalogue (已列入计划 reads
    "In the plan" there) is shown as typed; a default label kept in the list is translated."""
    proposal = accepted(world)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    config.set_value(
        proposal.organisation,
        rules.OUTCOME_CATEGORIES,
        [["A", "已解决或基本解决"], ["B", "已列入计划"], ["C", "留作参考"]],
        actor=world.reviewer,
    )
    client.cookies["django_language"] = "en"
    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert '<option value="B">B　已列入计划</option>' in page
    assert '<option value="C">C　留作参考</option>' in page
    assert '<option value="A">A　Solved or largely solved</option>' in page
    assert "In the plan" not in page
    with translation.override("en"):
        labels = services.outcome_category_labels(proposal.organisation)
    assert labels == {
        "A": "Solved or largely solved",
        "B": "已列入计划",
        "C": "留作参考",
    }


def test_the_public_portal_shows_the_category_in_english(client, world):
    """The portal's published answer read "Category B 正在解决或已列入计划" to a resident
    reading in English: it took the labels as stored, not `outcome_category_labels`."""
    proposal = answered(world)
    proposal.published_at = timezone.now()
    proposal.is_public_interest = True
    proposal.save(update_fields=["published_at", "is_public_interest"])
    client.cookies["django_language"] = "en"
    page = client.get(f"/portal/proposals/{proposal.pk}/").content.decode()
    assert "Solved or largely solved" in page
    assert "已解决或基本解决" not in page


def test_my_proposals_list_the_co_signers_with_english_commas(client, world):
    proposal = draft(world, cosigners=("wang", "li"))
    signers = list(proposal.signers.select_related("member").order_by("id"))
    client.cookies["django_language"] = "en"
    client.force_login(proposal.first_proposer.user)
    page = client.get("/proposals/", follow=True).content.decode()
    first, second = (s.member.name for s in signers[:2])
    assert re.search(rf"{first} \([^)]*\), {second}", page)
    signers_line = page.split("Co-signers: ", 1)[1].split("</div>", 1)[0]
    assert "、" not in signers_line
