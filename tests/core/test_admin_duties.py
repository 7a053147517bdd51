"""三员分立: what the security, system and audit administrators may and may not do."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import DepartmentFactory, UserFactory, make_org, user_with_role
from tests.pickers import pick
from xieshang.core import calendar, services
from xieshang.core.models import CalendarDay, Event, User
from xieshang.core.sms import MemorySmsBackend
from xieshang.orgs.models import Level, Organisation, Role, RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    west = make_org("西山区政协", Level.DISTRICT, city)
    return city, east, west


@pytest.fixture
def secadmin(tree):
    return user_with_role(Role.SECURITY_ADMIN, tree[1], full_name="安全员")


@pytest.fixture
def admin_client(client, secadmin):
    client.force_login(secadmin)
    return client


def _create(client, org, **overrides):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "phone": "13900001111",
        "email": "",
        "organisation": org.pk,
        "role": Role.OFFICE,
        "department": "",
        "committee": "",
        **overrides,
    }
    return client.post(reverse("user_create"), data)


def _assign(client, user, org, role, **extra):
    data = {"organisation": org.pk, "role": role, "department": "", "committee": "", **extra}
    return client.post(reverse("user_detail", args=[user.pk]), data)


# --- Security administrator --------------------------------------------------------------


def test_it_creates_an_account_with_a_one_time_password_that_must_be_changed(
    admin_client, tree, secadmin
):
    east = tree[1]
    response = _create(admin_client, east)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="zhangsan")
    assert user.full_name == "张三" and user.must_change_password
    assert user.check_password(password)
    assert RoleAssignment.objects.filter(user=user, organisation=east, role=Role.OFFICE).exists()
    event = Event.objects.get(verb="user.create")
    assert event.actor == secadmin and event.organisation == east
    assert password not in str(event.data) + event.note

    newcomer = Client()
    newcomer.post(reverse("login"), {"username": "zhangsan", "password": password})
    assert newcomer.get(reverse("home"))["Location"] == reverse("password_change")


def test_it_refuses_an_organisation_outside_the_admins_scope(admin_client, tree):
    west = tree[2]
    response = _create(admin_client, west)
    assert response.status_code == 400
    assert not User.objects.filter(username="zhangsan").exists()
    page = response.content.decode()
    assert "选择一个有效的选项" in page
    assert 'value="zhangsan"' in page  # what the admin typed is kept


def test_it_refuses_a_username_already_taken_and_keeps_the_form(admin_client, tree):
    UserFactory(username="zhangsan")
    response = _create(admin_client, tree[1], full_name="张三丰")
    page = response.content.decode()
    assert "用户名“zhangsan”已被使用" in page
    assert 'value="张三丰"' in page


def test_it_requires_a_department_for_a_department_role(admin_client, tree):
    east, west = tree[1], tree[2]
    response = _create(admin_client, east, role=Role.DEPARTMENT)
    assert "承办单位角色须选择承办单位" in response.content.decode()
    foreign = DepartmentFactory(organisation=west)
    response = _create(admin_client, east, role=Role.DEPARTMENT, department=foreign.pk)
    assert not User.objects.filter(username="zhangsan").exists()
    mine = DepartmentFactory(organisation=east)
    _create(admin_client, east, role=Role.DEPARTMENT, department=mine.pk)
    assert RoleAssignment.objects.get(user__username="zhangsan").department == mine


def test_a_new_account_has_no_role_until_one_is_chosen(admin_client, tree):
    east = tree[1]
    form = admin_client.get(reverse("user_create")).content.decode()
    select = re.search(r'<select[^>]*name="role".*?</select>', form, re.S).group(0)
    first = re.search(r"<option([^>]*)>([^<]*)</option>", select)
    assert first.group(2) == "请选择" and 'value=""' in first.group(1)
    response = _create(admin_client, east, role="")
    assert "请填写此项" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


def test_it_assigns_and_removes_a_role_with_an_audit_event_each(admin_client, tree, secadmin):
    east = tree[1]
    clerk = user_with_role(Role.OFFICE, east)
    response = _assign(admin_client, clerk, east, Role.CHAIR)
    assert response.status_code == 302
    ra = RoleAssignment.objects.get(user=clerk, role=Role.CHAIR)
    assert Event.objects.filter(verb="user.role_assign", actor=secadmin, to_state="chair").exists()

    response = admin_client.post(reverse("user_role_remove", args=[clerk.pk, ra.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert Event.objects.filter(verb="user.role_remove", from_state="chair").exists()


def test_it_refuses_a_second_administrator_duty_for_one_person(admin_client, tree):
    east = tree[1]
    auditor = user_with_role(Role.AUDIT_ADMIN, east)
    response = _assign(admin_client, auditor, east, Role.SYSTEM_ADMIN)
    assert response.status_code == 400
    assert "三员分立：该用户已是审计管理员，不能再担任系统管理员" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=auditor, role=Role.SYSTEM_ADMIN).exists()
    assert not Event.objects.filter(verb="user.role_assign").exists()
    # The attempt itself is in the audit log, for the auditor to see (等保: security events).
    refused = Event.objects.get(verb="user.role_refused")
    assert (refused.object_id, refused.to_state) == (str(auditor.pk), Role.SYSTEM_ADMIN)
    assert "三员分立：该用户已是审计管理员" in refused.note


def test_it_refuses_to_let_the_security_admin_grant_themselves_a_role(admin_client, tree, secadmin):
    east = tree[1]
    response = _assign(admin_client, secadmin, east, Role.OFFICE)
    assert response.status_code in {200, 400}
    assert not RoleAssignment.objects.filter(user=secadmin, role=Role.OFFICE).exists()
    with pytest.raises(services.Refused, match="不能给自己分配角色"):
        services.role_assign(actor=secadmin, user=secadmin, organisation=east, role=Role.OFFICE)
    # Not by removing their own duty either.
    own = RoleAssignment.objects.get(user=secadmin)
    admin_client.post(reverse("user_role_remove", args=[secadmin.pk, own.pk]))
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_it_resets_a_password_and_ends_the_old_one(admin_client, tree, secadmin):
    clerk = user_with_role(Role.OFFICE, tree[1], username="clerk")
    clerk_client = Client()
    clerk_client.force_login(clerk)
    response = admin_client.post(reverse("user_password_reset", args=[clerk.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    temporary = response.context["password"]
    clerk.refresh_from_db()
    assert clerk.must_change_password
    assert clerk.check_password(temporary)
    assert not clerk.check_password(settings.DEMO_PASSWORD)
    assert clerk_client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert Event.objects.filter(verb="user.password_reset", actor=secadmin).exists()


@pytest.fixture
def sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def test_an_auditors_new_password_goes_to_the_auditors_phone_never_to_the_screen(
    admin_client, tree, sms_outbox
):
    """三员分立: a security administrator who saw the auditor's password could log in as the
    auditor and read (or be the only reader of) the trail of their own actions."""
    auditor = user_with_role(Role.AUDIT_ADMIN, tree[1], username="auditor1", phone="13900002222")
    response = admin_client.post(reverse("user_password_reset", args=[auditor.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "139****2222" in body and 'id="temp-password"' not in body
    [(phone, text)] = sms_outbox
    assert phone == "13900002222"
    password = text.split("临时密码：", 1)[1].split("，", 1)[0]
    assert password not in body
    auditor.refresh_from_db()
    assert auditor.check_password(password) and auditor.must_change_password
    assert Event.objects.get(verb="user.password_reset").data["by_sms"] is True


def test_an_administrator_account_without_a_phone_keeps_its_password(admin_client, tree):
    sysadmin = user_with_role(Role.SYSTEM_ADMIN, tree[1], username="sys1", phone="")
    response = admin_client.post(reverse("user_password_reset", args=[sysadmin.pk]), follow=True)
    assert "未登记手机号" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.check_password(settings.DEMO_PASSWORD) and not sysadmin.must_change_password
    assert not Event.objects.filter(verb="user.password_reset").exists()


def test_a_new_auditor_account_needs_a_phone_and_gets_its_password_there(
    admin_client, tree, sms_outbox
):
    east = tree[1]
    refused = _create(admin_client, east, username="shenji", role=Role.AUDIT_ADMIN, phone="")
    assert refused.status_code == 400
    assert "账号未创建：管理员账号须填写本人手机号" in refused.content.decode()
    assert "changepassword" not in refused.content.decode()  # that is a reset's advice
    assert 'value="shenji"' in refused.content.decode()  # what was typed is kept
    assert not User.objects.filter(username="shenji").exists()
    created = _create(admin_client, east, username="shenji", role=Role.AUDIT_ADMIN)
    assert created.status_code == 200 and "139****1111" in created.content.decode()
    assert 'id="temp-password"' not in created.content.decode()
    [(phone, _text)] = sms_outbox
    assert phone == "13900001111"


def test_it_deactivates_an_account_so_it_can_no_longer_log_in(admin_client, tree):
    clerk = user_with_role(Role.OFFICE, tree[1], username="clerk")
    clerk_client = Client()
    clerk_client.force_login(clerk)
    admin_client.post(
        reverse("user_set_active", args=[clerk.pk]), {"active": "0", "reason": "调离本单位"}
    )
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert clerk_client.get(reverse("home")).status_code == 302
    assert Event.objects.filter(
        verb="user.deactivate", to_state="inactive", note="调离本单位"
    ).exists()
    admin_client.post(reverse("user_set_active", args=[clerk.pk]), {"active": "1"})
    clerk.refresh_from_db()
    assert clerk.is_active
    assert Event.objects.filter(verb="user.activate").exists()


def test_it_answers_404_for_accounts_outside_the_admins_scope(admin_client, tree):
    outsider = user_with_role(Role.OFFICE, tree[2])
    missing = User.objects.order_by("-pk").first().pk + 100
    for pk in (outsider.pk, missing):
        assert admin_client.get(reverse("user_detail", args=[pk])).status_code == 404
        for name in ("user_password_reset", "user_unlock", "user_set_active", "user_otp_reset"):
            assert admin_client.post(reverse(name, args=[pk])).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active and not outsider.must_change_password
    page = admin_client.get(reverse("users")).content.decode()
    assert outsider.username not in page


def test_it_refuses_the_account_pages_to_everyone_but_the_security_admin(client, tree):
    east = tree[1]
    target = user_with_role(Role.OFFICE, east)
    for role in (Role.OFFICE, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN, Role.MEMBER):
        client.force_login(user_with_role(role, east))
        assert client.get(reverse("users")).status_code == 403
        assert client.get(reverse("user_create")).status_code == 403
        assert client.post(reverse("user_password_reset", args=[target.pk])).status_code == 403
        assert _assign(client, target, east, Role.CHAIR).status_code == 403
    target.refresh_from_db()
    assert not target.must_change_password
    assert list(RoleAssignment.objects.filter(user=target).values_list("role", flat=True)) == [
        Role.OFFICE
    ]


def test_it_lists_accounts_with_a_fixed_number_of_queries(
    admin_client, tree, django_assert_num_queries
):
    east = tree[1]

    def count_for(n):
        for _ in range(n):
            user = user_with_role(Role.OFFICE, east)
            RoleAssignment.objects.create(user=user, organisation=east, role=Role.CHAIR)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = admin_client.get(reverse("users"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    admin_client.get(reverse("users"))  # renews the session: not written again within a minute
    few = count_for(3)
    many = count_for(27)
    assert few == many
    with django_assert_num_queries(few):
        admin_client.get(reverse("users"))


# --- System administrator ----------------------------------------------------------------


@pytest.fixture
def sysadmin(tree):
    return user_with_role(Role.SYSTEM_ADMIN, tree[0])


def test_it_lets_the_system_admin_add_and_remove_a_calendar_override(client, sysadmin):
    client.force_login(sysadmin)
    # A Saturday of next year's February (the page lists this year's and later adjustments).
    feb = dt.date(timezone.localdate().year + 1, 2, 14)
    saturday = feb + dt.timedelta(days=(5 - feb.weekday()) % 7)
    response = client.post(
        reverse("calendar_days"),
        {"date": saturday.isoformat(), "is_working_day": "1", "note": "春节调休上班"},
    )
    assert response.status_code == 302
    assert calendar.is_working_day(saturday)
    page = client.get(reverse("calendar_days")).content.decode()
    assert f"{saturday.year}年2月{saturday.day}日" in page and "春节调休上班" in page
    day = CalendarDay.objects.get(date=saturday)
    assert Event.objects.filter(verb="calendar.set", actor=sysadmin, to_state="work").exists()

    client.post(reverse("calendar_day_remove", args=[day.pk]))
    assert not CalendarDay.objects.exists()
    assert not calendar.is_working_day(saturday)
    assert Event.objects.filter(verb="calendar.remove", actor=sysadmin).exists()


def test_it_rerenders_a_bad_calendar_entry_with_a_chinese_error(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("calendar_days"), {"date": "2027-02-30", "is_working_day": "1", "note": "错日"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "输入一个有效的日期" in page
    assert 'value="错日"' in page
    assert not CalendarDay.objects.exists()


def test_it_keeps_the_shared_calendar_to_the_top_level_system_admin(client, tree):
    user_with_role(Role.SYSTEM_ADMIN, tree[0])  # the city's, above
    district_admin = user_with_role(Role.SYSTEM_ADMIN, tree[1])
    client.force_login(district_admin)
    assert client.get(reverse("calendar_days")).status_code == 200
    response = client.post(
        reverse("calendar_days"), {"date": "2027-02-20", "is_working_day": "1", "note": ""}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


def test_it_lets_the_system_admin_add_an_organisation_below_theirs(client, tree):
    east = tree[1]
    admin = user_with_role(Role.SYSTEM_ADMIN, east)
    client.force_login(admin)
    response = client.post(
        reverse("organisations"), {"name": "东湖街道", "level": Level.STREET, "parent": east.pk}
    )
    assert response.status_code == 302
    street = Organisation.objects.get(name="东湖街道")
    assert street.parent == east and street.path.startswith(east.path)
    assert Event.objects.filter(verb="org.create", actor=admin, organisation=street).exists()

    wrong_level = client.post(
        reverse("organisations"), {"name": "某市", "level": Level.CITY, "parent": east.pk}
    )
    assert "下级组织的层级须低于上级组织" in wrong_level.content.decode()
    outside = client.post(
        reverse("organisations"), {"name": "西山街道", "level": Level.STREET, "parent": tree[2].pk}
    )
    assert outside.status_code == 400
    assert not Organisation.objects.filter(name="西山街道").exists()


def test_it_gives_the_system_admin_no_account_or_audit_pages(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("users")).status_code == 403
    assert client.get(reverse("audit_log")).status_code == 403


# --- Audit administrator changes nothing --------------------------------------------------


def test_it_lets_the_auditor_change_nothing(client, tree):
    city, east, _ = tree
    auditor = user_with_role(Role.AUDIT_ADMIN, city)
    target = user_with_role(Role.OFFICE, east)
    client.force_login(auditor)
    before = Event.objects.count()
    posts = [
        (reverse("user_create"), {"username": "x", "full_name": "x", "organisation": east.pk}),
        (reverse("user_detail", args=[target.pk]), {"organisation": east.pk, "role": "chair"}),
        (reverse("user_password_reset", args=[target.pk]), {}),
        (reverse("user_set_active", args=[target.pk]), {"active": "0", "reason": "x"}),
        (reverse("user_unlock", args=[target.pk]), {}),
        (reverse("calendar_days"), {"date": "2027-02-20", "is_working_day": "1"}),
        (
            reverse("organisations"),
            {"name": "新区", "level": Level.DISTRICT, "parent": city.pk},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Event.objects.count() == before
    assert client.get(reverse("audit_log")).status_code == 200


# --- Home page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.SECURITY_ADMIN, ["账号与角色", "审计日志"], ["委员名单", "工作日调整"]),
        (Role.AUDIT_ADMIN, ["审计日志"], ["账号与角色", "委员名单", "工作日调整"]),
        (Role.SYSTEM_ADMIN, ["工作日调整", "组织机构"], ["账号与角色", "审计日志"]),
        (Role.OFFICE, ["委员名单", "检查与统计"], ["账号与角色", "审计日志", "工作日调整"]),
        (Role.MEMBER, ["修改密码"], ["委员名单", "账号与角色", "审计日志"]),
    ],
)
def test_it_shows_each_role_the_links_to_its_own_work(client, tree, role, shown, hidden):
    client.force_login(user_with_role(role, tree[1]))
    response = client.get(reverse("home"))
    links = [card.title for card in response.context["cards"]]
    page = response.content.decode()
    for title in shown:
        assert title in page
    for title in hidden:
        assert title not in links


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_lets_the_security_admin_create_an_account_in_the_browser(page):
    from tests.conftest import login

    district = make_org("东湖区政协", Level.DISTRICT)
    user_with_role(Role.SECURITY_ADMIN, district, username="anquan")
    login(page, "anquan")
    page.get_by_role("link", name="账号与角色").first.click()
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("手机号码").fill("1390000")
    pick(page, "组织", "东湖区政协")  # every organisation in scope: searched on the server
    pick(page, "角色", "政协办公室")  # eighteen roles: a search-as-you-type picker
    page.get_by_role("button", name="创建").click()
    page.wait_for_load_state()
    assert page.get_by_text("请输入11位手机号码").is_visible()
    assert page.get_by_label("姓名").input_value() == "张三"
    page.get_by_label("手机号码").fill("13900001111")
    page.get_by_role("button", name="创建").click()
    page.wait_for_load_state()
    temporary = page.locator("#temp-password").inner_text().strip()
    assert User.objects.get(username="zhangsan").check_password(temporary)


def test_it_refuses_accounts_that_also_hold_a_role_above_the_admins_scope(admin_client, tree):
    """Finding 1 of the security probe: a district security administrator could reset the
    password of a user who also holds a city role, and so take the city role over."""
    city, east, _west = tree
    city_officer = user_with_role(Role.OFFICE, city)
    RoleAssignment.objects.create(user=city_officer, organisation=east, role=Role.OFFICE)
    before = city_officer.password
    for name in ("user_password_reset", "user_unlock", "user_set_active", "user_otp_reset"):
        assert admin_client.post(reverse(name, args=[city_officer.pk])).status_code == 404
    assert admin_client.get(reverse("user_detail", args=[city_officer.pk])).status_code == 404
    assert _assign(admin_client, city_officer, east, Role.PROPOSAL_COMMITTEE).status_code == 404
    city_officer.refresh_from_db()
    assert city_officer.password == before and city_officer.is_active
    assert city_officer.username not in admin_client.get(reverse("users")).content.decode()
    # The city's own security administrator still manages the account.
    city_admin = user_with_role(Role.SECURITY_ADMIN, city)
    client = Client()
    client.force_login(city_admin)
    assert client.post(reverse("user_password_reset", args=[city_officer.pk])).status_code == 200


def test_an_administrator_duty_is_not_given_to_an_account_the_security_admin_could_log_in_as(
    client, sms_outbox
):
    """三员分立 (tester t-admin): the security administrator creates an account, sees its
    temporary password, logs in with it, then strips its business role and grants it the
    audit duty: they would read the audit trail of their own actions. A duty comes with a new
    account only (its password texted to its holder); an account already holding the duty
    may be given it at another organisation."""
    # A top-level security administrator (of a district deployment) manages role-less accounts.
    east = make_org("东湖区政协")
    client.force_login(user_with_role(Role.SECURITY_ADMIN, east))
    admin_client = client
    created = _create(admin_client, east, username="xiaowang", role=Role.LIAISON)
    assert created.status_code == 200 and created.context["password"]
    account = User.objects.get(username="xiaowang")
    # Left without a role (its last one can no longer be revoked: an older account).
    RoleAssignment.objects.filter(user=account).delete()
    for duty in (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN):
        refused = _assign(admin_client, account, east, duty)
        assert refused.status_code == 400
        assert "管理员职责只能在新建账号时授予" in refused.content.decode()
    assert not RoleAssignment.objects.filter(user=account).exists()
    assert not Event.objects.filter(verb="user.role_assign").exists()
    # A business account keeps its role and gets no duty either.
    clerk = user_with_role(Role.OFFICE, east, username="clerk")
    assert _assign(admin_client, clerk, east, Role.AUDIT_ADMIN).status_code == 400
    # An auditor may audit a second organisation in scope.
    street = make_org("东湖街道", Level.STREET, east)
    auditor = user_with_role(Role.AUDIT_ADMIN, east, username="auditor1", phone="13900002222")
    assert _assign(admin_client, auditor, street, Role.AUDIT_ADMIN).status_code == 302
    assert RoleAssignment.objects.filter(user=auditor, organisation=street).exists()


def test_a_new_auditors_password_never_goes_to_the_security_administrators_own_number(
    admin_client, secadmin, tree, sms_outbox
):
    """三员分立: the temporary password of a new administrator account is texted to the
    number typed; it may not be the creator's own, nor another administrator duty's."""
    east = tree[1]
    secadmin.phone = "13811112222"
    secadmin.save(update_fields=["phone"])
    user_with_role(Role.SYSTEM_ADMIN, east, username="xitong", phone="13833334444")
    for phone in ("13811112222", "13833334444"):
        refused = _create(admin_client, east, username="shenji", role=Role.AUDIT_ADMIN, phone=phone)
        assert refused.status_code == 400
        assert "本人的手机号" in refused.content.decode()
        assert 'value="shenji"' in refused.content.decode()
    assert not User.objects.filter(username="shenji").exists() and sms_outbox == []
    # A business account may share a number with its creator (a clerk's desk phone).
    assert _create(admin_client, east, username="clerk", phone="13811112222").status_code == 200


def test_the_auditors_in_office_hear_of_a_new_auditor_account(admin_client, tree, sms_outbox):
    east = tree[1]
    sitting = user_with_role(Role.AUDIT_ADMIN, tree[0], username="shenji1")
    created = _create(
        admin_client, east, username="shenji2", role=Role.AUDIT_ADMIN, phone="13955556666"
    )
    assert created.status_code == 200
    [notice] = sitting.notifications.all()
    assert notice.title == "安全员新建了审计管理员账号 shenji2"
    assert "东湖区政协" in notice.body and "139****6666" in notice.body
    assert not User.objects.get(username="shenji2").notifications.exists()
    # Another district's auditor is not told of this district's.
    elsewhere = user_with_role(Role.AUDIT_ADMIN, tree[2], username="shenji3")
    _create(admin_client, east, username="shenji4", role=Role.AUDIT_ADMIN, phone="13955557777")
    assert not elsewhere.notifications.exists() and sitting.notifications.count() == 2
