"""合并: two members report the same matter; the office, reviewing the second, merges it into
the first from the similar items it is shown. Both members are then the first item's
authors and are credited with what it earns (C3.2, each of these counts in the duty file)."""

import pytest
from django.utils import timezone, translation

from tests.opinions.factories import make_opinion
from xieshang.core.models import Event, Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.opinions import services
from xieshang.opinions.models import AdoptionLevel, Opinion
from xieshang.opinions.summary import opinion_summary

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.mark.clause("C3.2")
def test_the_office_merges_a_duplicate_into_the_first_and_both_authors_are_credited(client, world):
    first = make_opinion(world["member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴的建议")
    second = make_opinion(
        world["other_member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴标准的建议"
    )
    office = world["office"]
    client.force_login(office)
    page = client.get(f"/opinions/{second.pk}/").content.decode()
    assert "合并到此篇" in page and f'name="into" value="{first.pk}"' in page

    response = client.post(f"/opinions/{second.pk}/merge/", {"into": first.pk, "note": "同一事项"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == S.MERGED and second.merged_into == first
    assert set(first.authors.all()) == {world["member"], world["other_member"]}
    assert Notification.objects.filter(
        recipient=world["other_member"].user, title__contains="已合并"
    ).exists()
    page = client.get(f"/opinions/{second.pk}/").content.decode()
    assert 'id="merged-into"' in page and first.title in page
    assert "合并到此篇" not in page  # decided: nothing more to review on it

    # The first is accepted and adopted: both members' duty files count it.
    services.opinion_accept(opinion=first, actor=office)
    services.issue_publish(organisation=first.organisation, opinions=[first], actor=office)
    services.adoption_record(
        opinion=first,
        actor=office,
        level=AdoptionLevel.DISTRICT,
        mode="standalone",
        adopted_on=timezone.localdate(),
    )
    for member in (world["member"], world["other_member"]):
        kinds = set(DutyRecord.objects.filter(member=member).values_list("kind", flat=True))
        assert {DutyKind.OPINION_SUBMITTED, DutyKind.OPINION_ADOPTED} <= kinds

    # The second member follows the outcome on their own list.
    client.force_login(world["other_member"].user)
    mine = client.get("/opinions/").content.decode()
    assert first.title in mine and second.title in mine

    summary = opinion_summary(world["district"], timezone.localdate().year)
    assert (summary.received, summary.accepted, summary.merged) == (2, 1, 1)
    assert ("合并到其他信息", 1, 50.0) in summary.table()


@pytest.mark.clause("C3.2")
def test_merged_into_an_accepted_item_the_author_is_credited_at_once(world):
    first = make_opinion(world["member"], office=world["office"], state=S.ACCEPTED)
    second = make_opinion(world["other_member"], state=S.SUBMITTED)
    services.opinion_merge(opinion=second, into=first, actor=world["office"])
    assert DutyRecord.objects.filter(
        member=world["other_member"], kind=DutyKind.OPINION_SUBMITTED
    ).exists()


def test_a_merge_is_refused_into_itself_a_decided_item_or_by_another_office(client, world):
    first = make_opinion(world["member"], state=S.SUBMITTED)
    rejected = make_opinion(world["member"], state=S.SUBMITTED, title="另一篇")
    services.opinion_reject(opinion=rejected, actor=world["office"], reason="重复")
    second = make_opinion(world["other_member"], state=S.SUBMITTED)

    client.force_login(world["other_office"])
    assert client.post(f"/opinions/{second.pk}/merge/", {"into": first.pk}).status_code == 404

    client.force_login(world["office"])
    assert client.post(f"/opinions/{second.pk}/merge/", {"into": "x"}).status_code == 404
    for target in (second, rejected):
        response = client.post(f"/opinions/{second.pk}/merge/", {"into": target.pk})
        assert response.status_code == 400
        second.refresh_from_db()
        assert second.status == S.SUBMITTED
    assert "只能并入" in response.content.decode()


@pytest.mark.clause("C3.2")
def test_the_note_typed_in_the_review_box_goes_with_the_merge_and_to_its_authors(client, world):
    first = make_opinion(world["member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴的建议")
    second = make_opinion(
        world["other_member"], state=S.SUBMITTED, title="关于老旧小区加装电梯补贴标准的建议"
    )
    client.force_login(world["office"])
    page = client.get(f"/opinions/{second.pk}/").content.decode()
    # The merge button submits the review form, whose note box is the one typed in.
    button = page[page.index(f'value="{first.pk}"') - 400 : page.index("合并到此篇</button>")]
    assert 'form="review-form"' in button and f"/opinions/{second.pk}/merge/" in button
    review = page[page.index('id="review-form"') :]
    assert 'name="note"' in review[: review.index("</form>")]

    note = "与第一篇反映同一小区，请一并跟进"
    response = client.post(f"/opinions/{second.pk}/merge/", {"into": first.pk, "note": note})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == S.MERGED and second.review_note == note
    event = Event.objects.get(verb="opinion.merge", object_id=str(second.pk))
    assert event.note == note
    told = Notification.objects.get(recipient=world["other_member"].user, title__contains="已合并")
    assert first.title in told.body and note in told.body
    # The member reads it in their own language, the note as the office typed it.
    with translation.override("en"):
        assert note in told.shown_body and "merged" in told.shown_body


@pytest.mark.clause("C3.2")
def test_joining_authors_are_credited_for_adoptions_recorded_before_the_merge_once(world):
    office = world["office"]
    first = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    for level in (AdoptionLevel.DISTRICT, AdoptionLevel.CITY):
        services.adoption_record(
            opinion=first,
            actor=office,
            level=level,
            mode="standalone",
            adopted_on=timezone.localdate(),
        )
    second = make_opinion(world["other_member"], state=S.SUBMITTED)
    services.opinion_merge(opinion=second, into=first, actor=office, note="同一事项")

    def kinds(member):
        return sorted(DutyRecord.objects.filter(member=member).values_list("kind", flat=True))

    expected = sorted(
        [DutyKind.OPINION_SUBMITTED, DutyKind.OPINION_ADOPTED, DutyKind.OPINION_ADOPTED_CITY]
    )
    assert kinds(world["other_member"]) == expected
    assert kinds(world["member"]) == expected
    adopted = DutyRecord.objects.get(
        member=world["other_member"], kind=DutyKind.OPINION_ADOPTED_CITY
    )
    assert adopted.title == f"{first.title}（市级单独采用）"

    # The same member's second item on the matter joins too: nothing is counted twice.
    third = make_opinion(world["other_member"], state=S.SUBMITTED, title="再次反映加装电梯")
    services.opinion_merge(opinion=third, into=first, actor=office)
    assert kinds(world["other_member"]) == expected
    # A later adoption credits every author once, as before.
    services.adoption_record(
        opinion=first,
        actor=office,
        level=AdoptionLevel.PROVINCE,
        mode="standalone",
        adopted_on=timezone.localdate(),
    )
    assert kinds(world["other_member"]) == sorted([*expected, DutyKind.OPINION_ADOPTED_PROVINCE])
