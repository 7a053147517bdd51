"""The system administrator's parent organisation and the audit log's organisation filter are
server-searched pickers (issue 14): a province's tree is thousands of organisations, so the
page carries only the chosen one, the picker finds those in the user's scope only, and one
from elsewhere is refused with what was typed kept."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_org, user_with_role
from xieshang.core.models import Event
from xieshang.orgs.models import Level, Organisation, Role

pytestmark = pytest.mark.django_db


def select(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)


def options(block: str) -> list[str]:
    """The organisations a select carries, not its empty choice (none, or all for a filter)."""
    return [text for text in re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', block)]


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


@pytest.fixture
def tree():
    city = make_org("江城市政协", Level.CITY)
    east = make_org("东湖区政协", Level.DISTRICT, city)
    west = make_org("西山区政协", Level.DISTRICT, city)
    street = make_org("东湖街道", Level.STREET, east)
    return city, east, west, street


def test_the_parent_organisation_is_searched_on_the_server(client, tree):
    city, east, west, street = tree
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, east))
    url = reverse("organisations")
    block = select(client.get(url).content.decode(), "parent")
    assert 'data-picker-source="/pickers/organisations/?perm=system.manage&amp;open=1"' in block
    assert options(block) == []

    scope = {"perm": "system.manage"}
    assert ask(client, "organisations", **scope, q="东湖") == ["东湖区政协", "东湖街道"]
    assert ask(client, "organisations", **scope, q="西山") == []  # a sibling district
    assert ask(client, "organisations", **scope, q="dhjd") == ["东湖街道"]

    refused = client.post(url, {"name": "西山新社区", "level": Level.COMMUNITY, "parent": west.pk})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "选择一个有效的选项" in page and 'value="西山新社区"' in page
    assert options(select(page, "parent")) == []
    assert not Organisation.objects.filter(name="西山新社区").exists()

    done = client.post(url, {"name": "东湖社区", "level": Level.COMMUNITY, "parent": street.pk})
    assert done.status_code == 302
    assert Organisation.objects.get(name="东湖社区").parent == street
    # Without JavaScript the name typed into the picker's text box is looked up.
    done = client.post(
        url, {"name": "湖滨社区", "level": Level.COMMUNITY, "parent": "", "parent__q": "东湖街道"}
    )
    assert done.status_code == 302
    assert Organisation.objects.get(name="湖滨社区").parent == street


def test_the_audit_logs_organisation_filter_is_searched_on_the_server(client, tree):
    city, east, west, street = tree
    elsewhere = make_org("另一市政协", Level.CITY)
    Event.objects.create(verb="member.update", organisation=east, object_repr="东湖的事")
    Event.objects.create(verb="member.update", organisation=west, object_repr="西山的事")
    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    url = reverse("audit_log")
    block = select(client.get(url).content.decode(), "organisation")
    assert 'data-picker-source="/pickers/audit-organisations/"' in block
    assert options(block) == []

    assert ask(client, "audit-organisations", q="区政协") == ["东湖区政协", "西山区政协"]
    assert ask(client, "audit-organisations", q="另一") == []
    # The security administrator reads the auditors' events of their own scope.
    client.force_login(user_with_role(Role.SECURITY_ADMIN, east))
    assert ask(client, "audit-organisations", q="区政协") == ["东湖区政协"]
    client.force_login(user_with_role(Role.OFFICE, city))
    ask(client, "audit-organisations", status=403, q="区政协")

    client.force_login(user_with_role(Role.AUDIT_ADMIN, city))
    page = client.get(url, {"organisation": west.pk}).content.decode()
    assert "西山的事" in page and "东湖的事" not in page
    assert options(select(page, "organisation")) == ["西山区政协"]  # still shown

    page = client.get(url, {"organisation": elsewhere.pk, "actor": "李明"}).content.decode()
    assert "选择一个有效的选项" in page and 'value="李明"' in page
    assert options(select(page, "organisation")) == []
