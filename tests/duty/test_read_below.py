"""An office above reads the duty of the committees below (C2.9): a province office opens a
city member's duty file and the city's yearly evaluation, read only, and the roll-up keeps
its duty columns when it drills down; recording and deciding stay with the city's own
office, and nobody reads a committee beside or above their own."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from tests.duty.factories import record
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.duty.models import DutyKind
from xieshang.duty.tree import tree_columns
from xieshang.orgs.models import Level, Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


@pytest.fixture
def tree():
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, parent=province)
    district = make_org("东区政协", Level.DISTRICT, parent=city)
    other_city = make_org("北山市政协", Level.CITY, parent=province)
    term = TermFactory(organisation=city, start_date=dt.date(2022, 1, 10))
    member = MemberFactory(organisation=city, name="钱立新")
    seat(member, term)
    record(member, DutyKind.MEETING, quantity=2, date=dt.date(2026, 3, 1))
    return {
        "province": province,
        "city": city,
        "district": district,
        "other_city": other_city,
        "member": member,
        "province_office": user_with_role(Role.OFFICE, province),
        "city_office": user_with_role(Role.OFFICE, city),
        "other_office": user_with_role(Role.OFFICE, other_city),
        "district_office": user_with_role(Role.OFFICE, district),
    }


@time_machine.travel(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
def test_a_province_office_reads_a_city_members_file_without_recording_for_them(client, tree):
    member = tree["member"]
    client.force_login(tree["province_office"])
    page = client.get(reverse("duty:member_file", args=[member.pk]) + "?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "钱立新" in text and "10" in text  # two meetings, five points each
    assert reverse("duty:entry_for_member", args=[member.pk]) not in text
    # Recording for the city's member stays the city office's.
    assert client.get(reverse("duty:entry_for_member", args=[member.pk])).status_code in (
        403,
        404,
    )

    # The city's own office still records; a sibling city's office reads nothing.
    client.force_login(tree["city_office"])
    text = client.get(reverse("duty:member_file", args=[member.pk])).content.decode()
    assert reverse("duty:entry_for_member", args=[member.pk]) in text
    client.force_login(tree["other_office"])
    assert client.get(reverse("duty:member_file", args=[member.pk])).status_code == 404
    client.force_login(tree["district_office"])
    assert client.get(reverse("duty:member_file", args=[member.pk])).status_code == 404


@time_machine.travel(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
def test_a_province_office_chooses_a_city_on_the_evaluation_and_exports_it(client, tree):
    city = tree["city"]
    client.force_login(tree["province_office"])
    own = client.get(reverse("duty:evaluation") + "?year=2026").content.decode()
    assert "钱立新" not in own  # the province's own term has no such member
    assert 'name="organisation"' in own  # the committee switcher

    url = reverse("duty:evaluation") + f"?year=2026&organisation={city.pk}"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "钱立新" in text and "示范市政协" in text and "此处只读" in text

    export = client.get(reverse("duty:evaluation_export") + f"?year=2026&organisation={city.pk}")
    assert export.status_code == 200
    assert (
        "示范市政协" in export["Content-Disposition"]
        or "%E7%A4%BA" in (export["Content-Disposition"])
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["钱立新"]


@time_machine.travel(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
def test_nobody_reads_the_evaluation_of_a_committee_beside_or_above_them(client, tree):
    client.force_login(tree["other_office"])
    url = reverse("duty:evaluation") + f"?year=2026&organisation={tree['city'].pk}"
    refused = client.get(url)
    assert refused.status_code == 400
    assert "钱立新" not in refused.content.decode()
    export = reverse("duty:evaluation_export") + f"?year=2026&organisation={tree['city'].pk}"
    assert client.get(export).status_code == 403
    client.force_login(tree["city_office"])
    up = reverse("duty:evaluation") + f"?year=2026&organisation={tree['province'].pk}"
    assert client.get(up).status_code == 400
    # A district office has nobody below it: no switcher.
    client.force_login(tree["district_office"])
    text = client.get(reverse("duty:evaluation")).content.decode()
    assert 'name="organisation"' not in text


@time_machine.travel(dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC))
def test_the_roll_up_keeps_its_duty_columns_when_a_province_drills_into_a_city(tree):
    group = tree_columns(tree["province_office"], tree["city"], [tree["district"]], 2026)
    assert group is not None
    assert group.values[tree["city"].pk][0] == 1  # the city's one seated member
    assert tree_columns(tree["other_office"], tree["city"], [tree["district"]], 2026) is None
