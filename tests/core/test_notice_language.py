"""The platform's own notices (API tokens, finished jobs, the audit chain's check) are read in
the reader's language, whoever or whatever sent them in which: written while an English page
or task ran, they still read Chinese to a Chinese reader, and English to an English one."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.core import api_tokens, audit_seal, jobs
from xieshang.core.audit import record_event
from xieshang.core.models import Event, Notification
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


def test_a_token_revoked_and_one_about_to_expire_tell_the_owner_in_their_language():
    org = make_org("示范区政协", Level.DISTRICT)
    clerk = user_with_role(Role.OFFICE, org, username="clerk")
    secadmin = user_with_role(Role.SECURITY_ADMIN, org, username="sec")
    lost, _raw = api_tokens.issue(actor=clerk, name="统计报表同步", days=90)
    api_tokens.issue(actor=clerk, name="同步", days=30)
    with translation.override("en"):
        api_tokens.revoke(actor=secadmin, token=lost, reason="笔记本丢失")
        api_tokens.remind_expiring(now=timezone.now() + dt.timedelta(days=24))
    revoked = Notification.objects.get(recipient=clerk, title__contains="撤销")
    expiring = Notification.objects.get(recipient=clerk, dedupe_key__startswith="api_token_expiry")
    assert revoked.title == "您的接口令牌“统计报表同步”已被安全管理员撤销"
    assert expiring.title.startswith("接口令牌“同步”将于") and expiring.body.startswith("到期后")
    with translation.override("zh-hans"):
        assert expiring.shown_body == expiring.body
    with translation.override("en"):
        assert (
            revoked.shown_title
            == "Your API token “统计报表同步” was revoked by a security administrator"
        )
        assert revoked.shown_body == "笔记本丢失"
        assert expiring.shown_title.startswith("API token “同步” expires on ")
        assert expiring.shown_body.startswith("Programs using it will lose access to the API")


def test_a_finished_job_names_its_kind_in_the_owners_language(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EXPORT_JOB_THRESHOLD = 1
    org = make_org("甲区政协", Level.DISTRICT)
    seat(MemberFactory(organisation=org, name="张一"), TermFactory(organisation=org))
    office = user_with_role(Role.OFFICE, org)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        jobs.start(kind="members.export", owner=office, organisation=org)
    told = Notification.objects.get(recipient=office)
    assert told.title == "导出委员名单已完成，可以下载"
    with translation.override("en"):
        assert told.shown_title == "Export the member list is ready to download"


def test_a_broken_audit_chain_tells_the_auditors_in_their_language():
    auditor = user_with_role(Role.AUDIT_ADMIN, make_org())
    changed = record_event(actor=None, verb="member.update", note="原说明")
    audit_seal.seal_pending()
    Event.objects.filter(pk=changed.pk).update(note="改写后的说明", seal="0" * 64)
    with translation.override("en"):
        audit_seal.check_and_record()
    told = Notification.objects.get(recipient=auditor)
    assert told.title == "审计记录完整性校验未通过"
    assert told.body == f"第 {changed.pk} 号审计记录在封存后被改动，其后的记录无法再证明未被改动。"
    with translation.override("en"):
        assert told.shown_title == "Audit log integrity check failed"
        assert told.shown_body.startswith(f"Audit record {changed.pk} was changed after it was")
