"""The audit log: append-only, kept six months, scoped, and nobody audits themselves."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import UserFactory, make_org, user_with_role
from tests.pickers import pick
from xieshang.core.audit import record_event
from xieshang.core.models import AppendOnlyError, Event
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    west = make_org("西山区政协", Level.DISTRICT, city)
    Event.objects.all()._raw_delete(Event.objects.db)  # drop the org.create rows
    return city, east, west


def ev(verb="member.update", organisation=None, actor=None, days_ago=0, **fields):
    return Event.objects.create(
        verb=verb,
        organisation=organisation,
        actor=actor,
        actor_name=actor.display_name if actor else fields.pop("actor_name", ""),
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )


def seen(client, **params):
    response = client.get(reverse("audit_log"), params)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"]}


# --- Append-only and retention ------------------------------------------------------------


def test_it_refuses_to_update_or_delete_an_event():
    event = record_event(actor=None, verb="member.update", note="原文")
    event.note = "篡改"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert Event.objects.get(pk=event.pk).note == "原文"


def test_it_purges_only_events_older_than_the_retention_period(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    old = ev(days_ago=184)
    kept = ev(days_ago=182)
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert not Event.objects.filter(pk=old.pk).exists()
    assert Event.objects.filter(pk=kept.pk).exists()
    purge = Event.objects.get(verb="audit.purge")
    assert purge.data["deleted"] == 1
    # Running it again deletes nothing more.
    call_command("purge_audit", stdout=io.StringIO())
    assert Event.objects.filter(pk=kept.pk).exists()
    assert Event.objects.filter(verb="audit.purge").count() == 1


def test_it_refuses_a_retention_shorter_than_six_months(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    old = ev(days_ago=120)
    with pytest.raises(CommandError, match="minimum of 180"):
        call_command("purge_audit", stdout=io.StringIO())
    assert Event.objects.filter(pk=old.pk).exists()


def test_it_keeps_events_longer_when_configured(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    year_old = ev(days_ago=300)
    call_command("purge_audit", stdout=io.StringIO())
    assert Event.objects.filter(pk=year_old.pk).exists()


# --- Who sees what -----------------------------------------------------------------------


def test_it_shows_the_auditor_only_events_of_their_subtree(client, tree):
    city, east, west = tree
    in_east, in_west, in_city = ev(organisation=east), ev(organisation=west), ev(organisation=city)
    orgless = ev(verb="auth.login_failed", note="nobody")
    city_auditor = user_with_role(Role.AUDIT_ADMIN, city)
    client.force_login(user_with_role(Role.AUDIT_ADMIN, east))
    assert seen(client) == {in_east.pk}

    top = Client()
    top.force_login(city_auditor)
    assert {in_east.pk, in_west.pk, in_city.pk, orgless.pk} <= seen(top)


def test_it_hides_audit_administrators_own_events_from_the_auditor(client, tree):
    city = tree[0]
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    other_auditor = user_with_role(Role.AUDIT_ADMIN, city)
    clerk = user_with_role(Role.OFFICE, city)
    mine = ev(verb="audit.export", organisation=city, actor=auditor)
    colleague = ev(verb="auth.login", organisation=city, actor=other_auditor)
    clerks = ev(verb="auth.login", organisation=city, actor=clerk)
    anonymous = ev(verb="auth.login_failed", organisation=city)
    client.force_login(auditor)
    visible = seen(client)
    assert clerks.pk in visible and anonymous.pk in visible
    assert mine.pk not in visible and colleague.pk not in visible


def test_it_shows_the_security_admin_only_the_auditors_events(client, tree):
    city, east, _ = tree
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    clerk = user_with_role(Role.OFFICE, east)
    export = ev(verb="audit.export", organisation=city, actor=auditor)
    clerks = ev(verb="member.update", organisation=east, actor=clerk)
    secadmin = user_with_role(Role.SECURITY_ADMIN, city)
    client.force_login(secadmin)
    response = client.get(reverse("audit_log"))
    assert {e.pk for e in response.context["page"]} == {export.pk}
    assert "仅显示审计管理员的操作记录" in response.content.decode()
    assert clerks.pk not in seen(client)


def test_it_refuses_the_log_to_roles_without_an_audit_duty(client, tree):
    for role in (Role.OFFICE, Role.SYSTEM_ADMIN, Role.CHAIR, Role.MEMBER):
        client.force_login(user_with_role(role, tree[0]))
        assert client.get(reverse("audit_log")).status_code == 403
        assert client.get(reverse("audit_export")).status_code == 403


def test_it_does_not_make_the_superuser_a_full_auditor(client, tree):
    clerk = user_with_role(Role.OFFICE, tree[1])
    auditor = user_with_role(Role.AUDIT_ADMIN, tree[0])
    clerks = ev(organisation=tree[1], actor=clerk)
    auditors = ev(verb="audit.export", organisation=tree[0], actor=auditor)
    client.force_login(UserFactory(is_superuser=True))
    assert seen(client) == {auditors.pk}
    assert clerks.pk not in seen(client)


def test_it_files_logins_under_the_accounts_organisation(client, tree):
    east = tree[1]
    user_with_role(Role.OFFICE, east, username="clerk")
    Client().post(reverse("login"), {"username": "clerk", "password": "Xieshang@2026"})
    Client().post(reverse("login"), {"username": "clerk", "password": "wrong"})
    Client().post(reverse("login"), {"username": "ghost", "password": "wrong"})
    user_with_role(Role.AUDIT_ADMIN, tree[0])  # the city's auditor reviews the unknown names
    client.force_login(user_with_role(Role.AUDIT_ADMIN, east))
    verbs = {Event.objects.get(pk=pk).verb for pk in seen(client)}
    assert verbs >= {"auth.login", "auth.login_failed"}
    ghost = Event.objects.get(verb="auth.login_failed", note="ghost")
    assert ghost.organisation is None
    assert ghost.pk not in seen(client)


def test_it_records_the_persons_address_not_the_proxys(tree, settings):
    """Behind the office's nginx every request comes from the proxy; the log must name the
    address the proxy saw, and only the trusted hop of X-Forwarded-For counts."""
    settings.TRUSTED_PROXY_COUNT = 1
    user_with_role(Role.OFFICE, tree[1], username="clerk")
    Client().post(
        reverse("login"),
        {"username": "clerk", "password": "Xieshang@2026"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.5",
    )
    assert Event.objects.get(verb="auth.login").ip_address == "203.0.113.5"

    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the header is anyone's to write
    Client().post(
        reverse("login"),
        {"username": "clerk", "password": "wrong"},
        REMOTE_ADDR="192.0.2.8",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert Event.objects.get(verb="auth.login_failed").ip_address == "192.0.2.8"


# --- Filters, pages, export ----------------------------------------------------------------


def test_it_filters_by_date_actor_verb_organisation_and_text(client, tree):
    city, east, west = tree
    li = user_with_role(Role.OFFICE, east, full_name="李明")
    wang = user_with_role(Role.OFFICE, west, full_name="王芳")
    a = ev(verb="auth.login", organisation=east, actor=li, days_ago=10)
    b = ev(verb="member.update", organisation=east, actor=li, object_repr="委员张三")
    c = ev(verb="auth.logout", organisation=west, actor=wang, days_ago=1)
    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    today = timezone.localdate()
    assert seen(client, date_from=(today - dt.timedelta(days=2)).isoformat()) >= {b.pk, c.pk}
    assert a.pk not in seen(client, date_from=(today - dt.timedelta(days=2)).isoformat())
    assert seen(client, date_to=(today - dt.timedelta(days=5)).isoformat()) == {a.pk}
    assert seen(client, actor="李明") == {a.pk, b.pk}
    assert seen(client, verb="auth.") == {a.pk, c.pk}
    assert seen(client, verb="auth.logout") == {c.pk}
    assert seen(client, organisation=west.pk) == {c.pk}
    assert seen(client, q="张三") == {b.pk}


def test_the_auditor_finds_an_account_by_its_login_name_and_actions_by_address(client, tree):
    city, east, west = tree
    li = user_with_role(Role.OFFICE, east, username="liming", full_name="李明")
    wang = user_with_role(Role.OFFICE, west, username="wangfang", full_name="王芳")
    a = ev(verb="auth.login", organisation=east, actor=li, ip_address="10.1.2.3")
    b = ev(verb="auth.logout", organisation=west, actor=wang, ip_address="10.1.2.30")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    assert seen(client, actor="LiMing") == {a.pk}
    assert seen(client, actor="王芳") == {b.pk}
    assert seen(client, q="10.1.2.3") == {a.pk}
    assert seen(client, q=" 10.1.2.30 ") == {b.pk}


def test_the_action_filter_groups_actions_by_module(client, tree):
    """Three actions read 退回修改 (a plan, a proposal, a 社情民意 item): each under its module."""
    client.force_login(user_with_role(Role.AUDIT_ADMIN, tree[0]))
    html = client.get(reverse("audit_log")).content.decode()
    select = re.search(r'<select[^>]*name="verb".*?</select>', html, re.S).group(0)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
    assert 'value="proposal.return"' in groups["提案"]
    assert 'value="opinion.return"' in groups["社情民意信息"]
    assert 'value="auth.login"' in groups["登录与账号"]
    assert seen(client, verb="proposal.return") == set()  # a grouped value still filters


def test_it_explains_an_impossible_date_range(client, tree):
    client.force_login(user_with_role(Role.AUDIT_ADMIN, tree[0]))
    response = client.get(
        reverse("audit_log"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "截止日期不能早于起始日期" in response.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"date_from": "2026-13-45"},
        {"date_to": "昨天", "actor": "李明"},
    ],
)
def test_a_rejected_filter_lists_nothing_and_exports_nothing(client, tree, bad):
    """Under the error the whole log would read as the filtered one, and its export would
    hand out every event: a rejected filter lists nothing, keeps what was typed, and the
    export sends the auditor back to the page's error without a file or an audit.export."""
    city, east, _west = tree
    ev(verb="auth.login", organisation=east, actor_name="李明")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    response = client.get(reverse("audit_log"), bad)
    html = response.content.decode()
    assert list(response.context["page"]) == []
    assert "筛选条件有误，未列出记录" in html
    for value in bad.values():
        assert f'value="{value}"' in html
    assert 'href="/audit/export/' not in html

    response = client.get(reverse("audit_export"), bad, follow=True)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert "筛选条件有误，未导出" in response.content.decode()
    assert list(response.context["page"]) == []
    assert not Event.objects.filter(verb="audit.export").exists()
    # An unfiltered log still lists and exports everything it may.
    assert len(seen(client)) == 1
    assert 'href="/audit/export/' in client.get(reverse("audit_log")).content.decode()
    assert "attachment" in client.get(reverse("audit_export"))["Content-Disposition"]


def test_it_pages_through_the_log_keeping_the_filters(client, tree):
    east = tree[1]
    for _ in range(60):
        ev(verb="member.update", organisation=east)
    client.force_login(user_with_role(Role.AUDIT_ADMIN, east))
    first = client.get(reverse("audit_log"), {"verb": "member.update"})
    assert len(first.context["page"]) == 50
    assert "verb=member.update" in first.content.decode()
    second = client.get(reverse("audit_log"), {"verb": "member.update", "page": 2})
    assert len(second.context["page"]) == 10


def test_it_renders_the_log_with_a_fixed_number_of_queries(client, tree, django_assert_num_queries):
    east = tree[1]
    client.force_login(user_with_role(Role.AUDIT_ADMIN, east))
    client.get(reverse("audit_log"))  # renews the session: not written again within a minute

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audit_log")).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        ev(organisation=east, actor=user_with_role(Role.OFFICE, east), note=f"{i}")
    few = queries()
    for i in range(27):
        ev(organisation=east, actor=user_with_role(Role.OFFICE, east), note=f"{i}")
    with django_assert_num_queries(few):
        client.get(reverse("audit_log"))


def test_it_exports_the_filtered_log_to_excel_and_audits_the_export(client, tree):
    city, east, west = tree
    li = user_with_role(Role.OFFICE, east, full_name="李明")
    ev(verb="auth.login", organisation=east, actor=li)
    ev(verb="member.update", organisation=west, object_repr="委员张三")
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    client.force_login(auditor)
    response = client.get(reverse("audit_export"), {"verb": "auth.login"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "动作")
    assert [r[1:4] for r in rows[1:]] == [("李明", "登录", "auth.login")]

    export = Event.objects.get(verb="audit.export")
    assert export.actor == auditor and export.data["count"] == 1
    assert export.data["filters"] == {"verb": "auth.login"}
    # The auditor does not see their own export; the security administrator does.
    assert export.pk not in seen(client)
    secadmin = Client()
    secadmin.force_login(user_with_role(Role.SECURITY_ADMIN, city))
    assert export.pk in seen(secadmin)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_log_and_its_filters_on_a_phone(phone_page):
    from tests.conftest import login

    city = make_org("江城市政协", Level.CITY)
    clerk = user_with_role(Role.OFFICE, city, full_name="李明")
    # The why of an action (a reason typed, what changed) is read whole on a phone too.
    why = "行政区划调整：城关街道整体并入新华街道，原城关街道各社区划归新华街道管理，" * 3
    ev(verb="auth.login", organisation=city, actor=clerk, note=why)
    ev(verb="member.update", organisation=city, actor=clerk, object_repr="委员张三")
    user_with_role(Role.AUDIT_ADMIN, city, username="shenji")
    login(phone_page, "shenji")
    phone_page.goto(phone_page.base_url + reverse("audit_log"))
    assert phone_page.get_by_role("heading", name="审计日志").is_visible()
    pick(phone_page, "动作", "登录")  # the long list of actions is a picker
    phone_page.get_by_role("button", name="查询").click()
    phone_page.wait_for_load_state()
    rows = phone_page.locator("#audit-table tbody tr")
    assert rows.count() == 1
    assert "李明" in rows.first.inner_text()
    assert why in rows.first.inner_text() and len(why) > 80
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.screen.width")


def test_the_export_writes_a_formula_typed_as_a_title_or_note_as_plain_text(client, tree):
    from tests.xlsx import PAYLOADS, assert_no_formulas, texts, workbook

    city, east, _west = tree
    for payload in PAYLOADS:
        ev(organisation=east, object_repr=f"{payload}", note=payload, actor_name="-1")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    wb = workbook(client.get(reverse("audit_export")))
    assert_no_formulas(wb)
    assert {p.replace("\r", "\n") for p in PAYLOADS} <= set(texts(wb))
