"""Organisations of one name: two siblings of one name cannot be told apart, so the second is
refused; namesakes under different parents (a 和平社区 in several streets) are fine, and the
organisation picker names their parent."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Organisation, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    city = make_org("江城市政协", Level.CITY)
    return make_org("东湖区政协", Level.DISTRICT, city)


def ask(client, source, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_a_second_organisation_of_the_same_name_under_one_parent_is_refused(client, district):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, district))
    url = reverse("organisations")
    data = {"name": "测试开通街道", "level": Level.STREET, "parent": district.pk}
    assert client.post(url, data).status_code == 302

    again = client.post(url, data)
    assert again.status_code == 400
    page = again.content.decode()
    assert "“东湖区政协”下已有名为“测试开通街道”的组织，请换一个名称。" in page
    assert 'value="测试开通街道"' in page  # what was typed is kept
    assert Organisation.objects.filter(name="测试开通街道").count() == 1
    assert Event.objects.filter(verb="org.create", organisation__name="测试开通街道").count() == 1

    # The same name under another parent is another organisation.
    street = Organisation.objects.get(name="测试开通街道")
    other = client.post(
        url, {"name": "测试开通街道", "level": Level.COMMUNITY, "parent": street.pk}
    )
    assert other.status_code == 302
    assert Organisation.objects.filter(name="测试开通街道").count() == 2


def test_the_picker_names_the_parent_of_a_community_whose_name_is_not_unique(client, district):
    chengguan = make_org("城关街道", Level.STREET, district)
    xinhua = make_org("新华街道", Level.STREET, district)
    make_org("和平社区", Level.COMMUNITY, chengguan)
    make_org("和平社区", Level.COMMUNITY, xinhua)
    make_org("东湖社区", Level.COMMUNITY, chengguan)
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, district))
    scope = {"perm": "system.manage"}

    assert ask(client, "organisations", **scope, q="和平") == [
        "城关街道 · 和平社区",
        "新华街道 · 和平社区",
    ]
    # A name nobody else has, and a CPPCC committee, read as before.
    assert ask(client, "organisations", **scope, q="东湖") == ["东湖区政协", "东湖社区"]
    assert ask(client, "organisations", **scope, q="hpsq") == [
        "城关街道 · 和平社区",
        "新华街道 · 和平社区",
    ]

    # The audit log's organisation filter tells them apart the same way.
    client.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    assert ask(client, "audit-organisations", q="和平") == [
        "城关街道 · 和平社区",
        "新华街道 · 和平社区",
    ]


def test_the_parent_names_cost_no_query_per_row(client, district):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, district))

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            found = ask(client, "organisations", perm="system.manage", q="和平")
        return len(ctx.captured_queries), found

    street = make_org("城关街道", Level.STREET, district)
    make_org("和平社区", Level.COMMUNITY, street)
    make_org("和平社区", Level.COMMUNITY, make_org("新华街道", Level.STREET, district))
    queries()  # the first request of the session also saves the session
    few, found = queries()
    assert len(found) == 2
    for i in range(8):
        make_org("和平社区", Level.COMMUNITY, make_org(f"第{i}街道", Level.STREET, district))
    many, found = queries()
    assert len(found) == 10 and many == few


def test_the_chosen_organisation_reads_as_the_picker_named_it(client, district):
    """After filtering the audit log by a community, the filter shows which 和平社区 it is."""
    chengguan = make_org("城关街道", Level.STREET, district)
    heping = make_org("和平社区", Level.COMMUNITY, chengguan)
    make_org("和平社区", Level.COMMUNITY, make_org("新华街道", Level.STREET, district))
    client.force_login(user_with_role(Role.AUDIT_ADMIN, district))
    page = client.get(reverse("audit_log"), {"organisation": heping.pk}).content.decode()
    assert f'<option value="{heping.pk}" selected>城关街道 · 和平社区</option>' in page
