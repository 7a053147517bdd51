"""F6: an adoption (采用) is dated between the item's publication (编发) and today, and one
recorded wrongly is corrected or voided (撤销) by the office, audited, with the authors'
duty records following. F7: a leader's instruction recorded by the Party committee's office
is not dated before the item was reported to that office, and the refusal names that day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.opinions.factories import make_opinion
from xieshang.core.audit import StaleEdit, history
from xieshang.core.models import Event
from xieshang.core.text import chinese_date
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.opinions import services
from xieshang.opinions.models import Adoption, AdoptionLevel, Issue, Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]

S = Opinion.Status


def _published(world, *, submitted_days: int = 6, published_days: int = 3) -> Opinion:
    """An item submitted and published some days back (the tester's 12月4日 and 12月7日)."""
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    now = timezone.now()
    Opinion.objects.filter(pk=opinion.pk).update(
        submitted_at=now - dt.timedelta(days=submitted_days)
    )
    Issue.objects.filter(pk=opinion.issue_id).update(
        published_on=timezone.localdate() - dt.timedelta(days=published_days)
    )
    opinion.refresh_from_db()
    return opinion


def _adopt(world, opinion, days_back: int, level=AdoptionLevel.DISTRICT) -> Adoption:
    return services.adoption_record(
        opinion=opinion,
        actor=world["office"],
        level=level,
        mode=Adoption.Mode.STANDALONE,
        adopted_on=timezone.localdate() - dt.timedelta(days=days_back),
        body="区委办公室",
    )


def _records(world, opinion):
    return DutyRecord.objects.filter(member=world["member"], kind__startswith="opinion_adopted")


def test_an_adoption_before_publication_or_after_today_is_refused(world, client):
    opinion = _published(world)
    today = timezone.localdate()
    published_on = today - dt.timedelta(days=3)
    # After the submission, in its year, but before the item was published: refused.
    with pytest.raises(ValidationError) as refused:
        _adopt(world, opinion, 5)
    assert refused.value.message_dict["adopted_on"] == [
        f"采用日期不能早于这篇信息编发的日期（{chinese_date(published_on)}），请核对。"
    ]
    with pytest.raises(ValidationError):
        _adopt(world, opinion, -1)
    assert not opinion.adoptions.exists() and not _records(world, opinion).exists()
    # On the page the reason is under the date field.
    client.force_login(world["office"])
    response = client.post(
        f"/opinions/{opinion.pk}/adopt/",
        {
            "level": "district",
            "mode": "standalone",
            "adopted_on": (today - dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert 'id="id_adopted_on_error"' in response.content.decode()
    # The day it was published is the first day allowed.
    adoption = _adopt(world, opinion, 3)
    assert adoption.adopted_on == published_on
    assert _records(world, opinion).get().date == published_on


def test_the_office_corrects_an_adoption_and_the_duty_record_follows(world, client):
    opinion = _published(world)
    today = timezone.localdate()
    adoption = _adopt(world, opinion, 3)
    assert _records(world, opinion).get().kind == DutyKind.OPINION_ADOPTED
    client.force_login(world["office"])
    page = client.get(f"/opinions/{opinion.pk}/").content.decode()
    assert f"/opinions/{opinion.pk}/adoptions/{adoption.pk}/edit/" in page
    prefix = f"adoption{adoption.pk}"
    corrected_on = today - dt.timedelta(days=1)
    fields = {
        f"{prefix}-level": "city",
        f"{prefix}-mode": "standalone",
        f"{prefix}-adopted_on": corrected_on.isoformat(),
        f"{prefix}-body": "中共示范市委办公室",
        f"{prefix}-version": adoption.version,
    }
    # Without a reason: refused, nothing changed.
    response = client.post(f"/opinions/{opinion.pk}/adoptions/{adoption.pk}/edit/", fields)
    assert response.status_code == 400
    fields[f"{prefix}-reason"] = "采用日期和层级登记有误"
    response = client.post(f"/opinions/{opinion.pk}/adoptions/{adoption.pk}/edit/", fields)
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert (adoption.level, adoption.adopted_on, adoption.body) == (
        AdoptionLevel.CITY,
        corrected_on,
        "中共示范市委办公室",
    )
    # The member's duty file: the corrected record only.
    record = _records(world, opinion).get()
    assert (record.kind, record.date) == (DutyKind.OPINION_ADOPTED_CITY, corrected_on)
    # Audited: who, from what to what, why; and the duty record's removal.
    event = history(opinion).get(verb="opinion.adoption_edit")
    assert event.actor == world["office"]
    assert event.data["from"]["adopted_on"] == (today - dt.timedelta(days=3)).isoformat()
    assert event.data["to"]["adopted_on"] == corrected_on.isoformat()
    assert event.data["to"]["level"] == "city"
    assert event.data["reason"] == "采用日期和层级登记有误"
    assert Event.objects.filter(verb="duty.record_removed").count() == 1
    # A correction made on what another tab has since changed is refused (version check).
    with pytest.raises(StaleEdit):
        services.adoption_update(
            adoption=adoption,
            actor=world["office"],
            expected_version=1,
            level=AdoptionLevel.DISTRICT,
            mode=Adoption.Mode.STANDALONE,
            adopted_on=today,
            reason="再改",
        )
    # The corrected date is checked as a new one is.
    with pytest.raises(ValidationError):
        services.adoption_update(
            adoption=adoption,
            actor=world["office"],
            expected_version=adoption.version,
            level=AdoptionLevel.CITY,
            mode=Adoption.Mode.STANDALONE,
            adopted_on=today - dt.timedelta(days=5),
            reason="再改",
        )
    # Another district's office may not correct it.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.adoption_void(
            adoption=adoption,
            actor=world["other_office"],
            expected_version=adoption.version,
            reason="x",
        )


def test_voiding_an_adoption_removes_it_and_its_duty_record(world, client):
    opinion = _published(world)
    adoption = _adopt(world, opinion, 3)
    client.force_login(world["office"])
    prefix = f"void{adoption.pk}"
    response = client.post(
        f"/opinions/{opinion.pk}/adoptions/{adoption.pk}/void/",
        {f"{prefix}-reason": "误录", f"{prefix}-version": adoption.version},
    )
    assert response.status_code == 302
    assert not opinion.adoptions.exists()
    assert not _records(world, opinion).exists()
    event = history(opinion).get(verb="opinion.adoption_void")
    assert event.data["reason"] == "误录" and event.data["from"]["level"] == "district"
    # The right one can now be recorded (it was refused as 已记录 before).
    _adopt(world, opinion, 0)
    assert _records(world, opinion).get().date == timezone.localdate()


@pytest.mark.clause("C4.7")
def test_a_party_office_instruction_is_not_dated_before_the_item_reached_it(world, client):
    opinion = _published(world, submitted_days=6, published_days=3)
    services.opinion_report(opinion=opinion, actor=world["office"], upward=False, party=True)
    today = timezone.localdate()
    reported_on = today - dt.timedelta(days=2)
    Opinion.objects.filter(pk=opinion.pk).update(
        reported_to_party_at=timezone.now() - dt.timedelta(days=2)
    )
    fields = {
        "leader": "张明（区委书记）",
        "level": "district",
        "text": "请教育局、人社局研究落实。",
        "departments": [world["dept"].pk],
        "working_days": 10,
    }
    client.force_login(world["party_office"])
    # After the submission and the publication, but before it was reported to the Party
    # committee: refused, the message naming the day it was reported (not the submission).
    before = (today - dt.timedelta(days=3)).isoformat()
    response = client.post(f"/opinions/{opinion.pk}/instruct/", {**fields, "instructed_on": before})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"批示日期不能早于这篇信息报送党委的日期（{chinese_date(reported_on)}）" in html
    assert not opinion.instructions.exists()
    response = client.post(
        f"/opinions/{opinion.pk}/instruct/", {**fields, "instructed_on": reported_on.isoformat()}
    )
    assert response.status_code == 302
    assert opinion.instructions.get().instructed_on == reported_on
    # Reporting to the government later keeps the Party committee's own day.
    services.opinion_report(opinion=opinion, actor=world["office"], upward=False, government=True)
    opinion.refresh_from_db()
    assert timezone.localdate(opinion.reported_to_party_at) == reported_on
    assert timezone.localdate(opinion.reported_to_government_at) == today
