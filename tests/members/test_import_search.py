"""A member imported from Excel is found by full name at once: the import writes each member
through the service that saves it, and the save keeps the search index current (unlike the
demo's bulk rows, tests/demo/test_seed_index.py)."""

import pytest
from django.urls import reverse

from tests.members.test_excel import good_row, private_root, upload, xlsx  # noqa: F401 - fixtures
from xieshang.members.models import Member

from .factories import committee

pytestmark = pytest.mark.django_db


def test_an_imported_member_is_found_by_full_name(client, upload):  # noqa: F811
    c = committee()
    client.force_login(c.clerk)
    assert upload(c.org, xlsx([good_row("欧阳建国", 1), good_row("李二", 2)])).status_code == 200
    page = client.get(reverse("members:list"), {"q": "欧阳建国"}).content.decode()
    # The name is in the search box either way: the row is the member's link.
    found, other = Member.objects.get(name="欧阳建国"), Member.objects.get(name="李二")
    assert f"/members/{found.pk}/" in page and f"/members/{other.pk}/" not in page
