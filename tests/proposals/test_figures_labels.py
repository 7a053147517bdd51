"""The figures' department table counts proposals assigned to each unit: in English its
column reads "Assigned" (a count), not the verb "Assign" of the proposal's 交办 action."""

import re

from django.urls import reverse
from django.utils import translation

from tests.proposals.test_figures import department_data


def test_the_department_tables_assigned_column_reads_as_a_count_in_english(world, client):
    department_data(world)
    client.force_login(world.chair)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("proposals:figures"), {"year": "2026"}).content.decode()
    table = page[page.index('id="department-figures"') :]
    headers = re.findall(r"<th scope=\"col\"[^>]*>([^<]+)</th>", table[: table.index("</thead>")])
    assert headers[:3] == ["Handling department", "Assigned", "Answered"], headers
    # A phone shows each cell with its column's label.
    assert 'data-label="Assigned"' in table and 'data-label="Assign"' not in table
    # The verb (the proposal page's 交办 action) is still "Assign"; Chinese is unchanged.
    with translation.override("en"):
        assert translation.gettext("交办") == "Assign"
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("proposals:figures"), {"year": "2026"}).content.decode()
    assert '<th scope="col" class="text-end">交办</th>' in page
