"""The budget sheet's amounts read alike in the API: yuan with two decimals each, so a
script that compares or prints them as text does not see 8450.5 next to 12000.00."""

import re

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

TWO_DECIMALS = re.compile(r"^-?\d+\.\d\d$")


def test_every_amount_of_the_sheet_has_two_decimals(client, demo):
    response = client.get("/api/v1/budgets/?year=2026", **bearer("office"))
    assert response.status_code == 200
    sheet = response.json()
    rows = [sheet["total"], *sheet["lines"], *sheet["children"]]
    assert any(float(r["spent"]) for r in sheet["lines"])
    for row in rows:
        for key in ("planned", "spent", "balance"):
            assert TWO_DECIMALS.match(row[key]), (key, row[key])
    line = next(r for r in sheet["lines"] if float(r["spent"]))
    detail = client.get(f"/api/v1/budgets/{line['id']}", **bearer("office")).json()
    for key in ("planned", "spent", "balance"):
        assert TWO_DECIMALS.match(detail[key]), (key, detail[key])
