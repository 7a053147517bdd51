"""/api/v1/budgets/: the same sheet and lines as the pages, to the same readers (C6.4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core.samples import PDF
from xieshang.budgets import services
from xieshang.core.models import ApiToken

from .conftest import YEAR, make_line, spend

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C6.4")]


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_sheet_and_a_line_read_as_on_the_pages(client, world):
    line = make_line(world, item="委员履职手册印制", planned="3000")
    spend(world, line, "3200.5", voucher_no="记-01-009")
    wrong = spend(world, line, "10")
    services.spending_void(entry=wrong, actor=world["office"], reason="重复录入")
    auth = bearer(world["supervisor"])
    sheet = client.get("/api/v1/budgets/", {"year": YEAR}, **auth).json()
    assert sheet["organisation"] == "示范区政协" and sheet["total"]["spent"] == "3200.50"
    assert sheet["lines"][0]["over"] is True and sheet["lines"][0]["rate"] == "106.7"
    detail = client.get(f"/api/v1/budgets/{line.pk}", **auth).json()
    assert [(e["amount"], e["void"]) for e in detail["entries"]] == [
        ("3200.50", False),
        ("10.00", True),
    ]
    assert detail["balance"] == "-200.50"


def test_members_and_other_districts_get_nothing(client, world):
    line = make_line(world)
    member = bearer(world["member"])  # a member may not hold a token: refused before the rows
    assert client.get("/api/v1/budgets/", **member).status_code == 403
    assert client.get(f"/api/v1/budgets/{line.pk}", **member).status_code == 403
    other = bearer(world["other_office"])
    assert client.get(f"/api/v1/budgets/{line.pk}", **other).status_code == 404
    org = {"org": world["district"].pk}
    assert client.get("/api/v1/budgets/", org, **other).status_code == 404


def test_a_staff_token_without_budget_rights_is_told_why_in_its_language(client, world):
    """The 403 said the generic 无权执行此操作。 instead of the router's own sentence."""
    auth = bearer(world["department"])
    refused = client.get("/api/v1/budgets/", **auth)
    assert refused.status_code == 403 and refused.json() == {"detail": "无权查看经费预算。"}
    english = client.get("/api/v1/budgets/", HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert english.json() == {"detail": "You may not view budgets."}
    # ninja's own English refusals are still said in the product's words
    assert client.get("/api/v1/budgets/").json() == {"detail": "未提供有效的令牌。"}
    # the cookie of the language switch, if a script sends it, still decides
    chinese = client.get(
        "/api/v1/budgets/",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_COOKIE="django_language=zh-hans",
        **auth,
    )
    assert chinese.json() == {"detail": "无权查看经费预算。"}


def test_a_receipt_is_named_and_downloadable_with_the_token(client, world, settings, tmp_path):
    """The line's entries named no receipt, and the page's link needs a login."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    line = make_line(world)
    receipt = SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf")
    spend(world, line, "1200", voucher_no="记-02-001", receipt=receipt)
    spend(world, line, "50")  # no receipt
    auth = bearer(world["supervisor"])
    entries = client.get(f"/api/v1/budgets/{line.pk}", **auth).json()["entries"]
    with_receipt, without = entries
    assert with_receipt["receipt"]["name"] == "发票.pdf"
    assert without["receipt"] is None
    got = client.get(with_receipt["receipt"]["api_url"], **auth)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    other = bearer(world["other_office"])  # another district's office
    assert client.get(with_receipt["receipt"]["api_url"], **other).status_code == 404
