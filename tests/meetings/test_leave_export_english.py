"""The leave export read in English lists a request's sittings with ", ", not with the
Chinese enumeration comma 、 (an English reader saw "Sitting 2、Sitting 3")."""

import io

import openpyxl
import pytest

from xieshang.meetings import services

from .factories import world

pytestmark = pytest.mark.django_db


def sittings_cell(client, language, year) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/meetings/leave/export.xlsx?state=all&year={year}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[1][4]


@pytest.mark.clause("C5.9")
def test_the_english_leave_export_joins_the_sittings_with_an_english_comma(client):
    w = world()
    member = w.member("丙委员")
    plenary = w.plenary(sittings=3)
    _s1, s2, s3 = plenary.sittings.all()
    services.leave_submit(
        invitation=plenary.invitations.get(member=member),
        actor=member.user,
        reason="住院",
        sittings=[s2, s3],
    )
    client.force_login(w.office)
    assert sittings_cell(client, "en", plenary.start.year) == f"{s2.title}, {s3.title}"
    assert sittings_cell(client, "zh-hans", plenary.start.year) == f"{s2.title}、{s3.title}"
