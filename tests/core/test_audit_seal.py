"""The audit log's seal chain: a change or removal made in the database after the fact is
found, named to the auditor, and fails `manage.py verify_audit`; the retention purge is not
mistaken for one."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import make_org, user_with_role
from xieshang.core import audit_seal
from xieshang.core.audit import record_event
from xieshang.core.models import Event, Notification
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def events(n: int, days_ago: int = 0) -> list[Event]:
    made = [record_event(actor=None, verb="member.update", note=f"第{i}条") for i in range(n)]
    if days_ago:
        Event.objects.filter(pk__in=[e.pk for e in made]).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    return made


def test_sealed_events_verify_and_a_later_event_is_sealed_next():
    events(5)
    assert audit_seal.seal_pending() == Event.objects.count()
    assert audit_seal.seal_pending() == 0
    result = audit_seal.verify()
    assert result.ok and result.checked == Event.objects.count() and result.unsealed == 0
    late = record_event(actor=None, verb="member.update", note="稍后")
    assert audit_seal.verify().unsealed == 1
    audit_seal.seal_pending()
    late.refresh_from_db()
    assert late.seal_seq == Event.objects.count() and audit_seal.verify().ok


def test_a_note_changed_in_the_database_is_found_and_the_auditor_is_told(client):
    auditor = user_with_role(Role.AUDIT_ADMIN, make_org())
    first, changed, _last = events(3)
    audit_seal.seal_pending()
    # Whoever holds the database rewrites a row, and its seal with a key of their own.
    Event.objects.filter(pk=changed.pk).update(note="改写后的说明", seal="0" * 64)
    result = audit_seal.check_and_record()
    assert not result.ok and result.broken_at == changed.pk
    told = Notification.objects.get(recipient=auditor)
    assert told.title == "审计记录完整性校验未通过" and str(changed.pk) in told.body
    client.force_login(auditor)
    page = client.get("/audit/").content.decode()
    assert "alert-danger" in page and f"第 {changed.pk} 号审计记录在封存后被改动" in page
    with pytest.raises(CommandError, match=f"第 {changed.pk} 号"):
        call_command("verify_audit", stdout=io.StringIO())
    assert Event.objects.get(pk=first.pk).note == "第0条"


def test_a_seal_cannot_be_recomputed_without_the_key(settings):
    _first, changed, _last = events(3)
    audit_seal.seal_pending()
    changed.refresh_from_db()
    previous = Event.objects.get(seal_seq=changed.seal_seq - 1)
    changed.note = "改写后的说明"
    settings.AUDIT_SEAL_KEY = "guessed"
    forged = audit_seal.digest(previous.seal, changed)
    settings.AUDIT_SEAL_KEY = ""
    Event.objects.filter(pk=changed.pk).update(note=changed.note, seal=forged)
    assert audit_seal.verify().broken_at == changed.pk


def test_an_event_removed_from_the_middle_is_found():
    first, removed, _last = events(3)
    audit_seal.seal_pending()
    Event.objects.filter(pk=removed.pk)._raw_delete(Event.objects.db)
    result = audit_seal.verify()
    assert not result.ok and result.missing_after == first.pk
    assert "之后有记录在封存后被删除" in audit_seal.describe(result)


def test_a_clean_check_is_shown_on_the_audit_page(client):
    events(2)
    call_command("verify_audit", stdout=(out := io.StringIO()))
    assert "封存后均未被改动或删除" in out.getvalue()
    client.force_login(user_with_role(Role.AUDIT_ADMIN, make_org()))
    page = client.get("/audit/").content.decode()
    assert 'id="audit-integrity"' in page and "alert-danger" not in page


def test_the_retention_purge_leaves_a_chain_that_still_verifies(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    old = events(3, days_ago=200)
    young = events(2)
    audit_seal.seal_pending()
    # An old event sealed after a young one (a late commit) stays until the young one goes.
    straggler = events(1, days_ago=200)[0]
    call_command("purge_audit", stdout=io.StringIO())
    assert not Event.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert Event.objects.filter(pk__in=[e.pk for e in young]).count() == 2
    assert Event.objects.filter(pk=straggler.pk).exists()
    purge = Event.objects.get(verb="audit.purge")
    assert purge.data["deleted"] == 3 and purge.data["anchor_seal"]
    audit_seal.seal_pending()
    assert audit_seal.verify().ok
    # A second purge later moves the anchor on, and the rest still verifies.
    Event.objects.filter(pk__in=[e.pk for e in young]).update(
        created_at=timezone.now() - dt.timedelta(days=200)
    )
    call_command("purge_audit", stdout=io.StringIO())
    audit_seal.seal_pending()
    assert not Event.objects.filter(pk=straggler.pk).exists()
    assert audit_seal.verify().ok
