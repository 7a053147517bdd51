"""The phone numbers residents type on the public forms: one rule for every portal form
(portal.phones). A 7-digit "number" was accepted on the topic form: staff could not call
anybody back on it."""

import pytest
from django.core.exceptions import ValidationError

from xieshang.portal.phones import resident_contact, resident_mobile


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("", ""),
        ("13800001111", "13800001111"),
        ("138 0000 1111", "138 0000 1111"),
        ("+86 138-0000-1111", "+86 138-0000-1111"),
        ("１３８００００１１１１", "13800001111"),
        ("0571-87654321", "0571-87654321"),
        ("(0571)87654321", "(0571)87654321"),
        ("（0571）87654321", "(0571)87654321"),
        ("010 12345678", "010 12345678"),
        ("0571-8765432", "0571-8765432"),
        ("057187654321", "057187654321"),
        ("0571-87654321转8001", "0571-87654321转8001"),
    ],
)
def test_contact_accepts_a_mobile_or_a_landline_with_its_area_code(typed, kept):
    assert resident_contact(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["1234567", "8765432", "87654321", "12345", "1380000111", "23800001111", "0571", "abc"],
)
def test_contact_refuses_a_bare_local_or_short_number(typed):
    with pytest.raises(ValidationError) as raised:
        resident_contact(typed)
    assert "区号" in raised.value.messages[0]


@pytest.mark.parametrize("typed", ["1234567", "0571-87654321", "1380000111"])
def test_mobile_refuses_what_cannot_take_a_text(typed):
    with pytest.raises(ValidationError) as raised:
        resident_mobile(typed)
    assert raised.value.messages == ["请填写11位手机号码，或留空。"]


@pytest.fixture
def district(db):
    from tests.factories import make_org
    from xieshang.orgs.models import Level

    return make_org("示范区政协", Level.DISTRICT)


@pytest.mark.clause("C2.3")
def test_the_topic_form_refuses_a_7_digit_number_and_keeps_the_typing(district, client):
    from xieshang.consultation.models import Topic

    data = {
        "organisation": district.pk,
        "title": "公园健身器材老化问题",
        "description": "人民公园健身器材多处损坏，希望协商解决。",
        "name": "王女士",
        "phone": "8765432",
        "website": "",
    }
    response = client.post("/portal/topics/", data)
    assert response.status_code == 400
    assert "联系电话应为手机号码或带区号的固定电话" in response.text
    assert "公园健身器材老化问题" in response.text and 'value="8765432"' in response.text
    assert not Topic.objects.exists()
    response = client.post("/portal/topics/", data | {"phone": "0571-8765432"})
    assert response.status_code == 302
    assert Topic.objects.get().contact_phone == "0571-8765432"


def test_the_issue_form_refuses_a_landline_it_cannot_text(db, client):
    from tests.factories import make_org
    from xieshang.orgs.models import Level

    street = make_org("城关街道", Level.STREET, parent=make_org("示范区政协", Level.DISTRICT))
    data = {
        "organisation": street.pk,
        "title": "路灯不亮",
        "description": "小区门口路灯坏了一个月。",
        "phone": "0571-87654321",
    }
    response = client.post("/portal/issues/", data)
    assert response.status_code == 400
    assert "请填写11位手机号码，或留空。" in response.text


@pytest.mark.parametrize(
    "typed", ["(+86)13800001111", "（+86）138 0000 1111", "(86) 13800001111", "0086 13800001111"]
)
def test_a_mobile_copied_with_its_country_code_in_brackets_or_0086_is_taken(typed):
    """As a contact card or a phone's share button writes it: not refused as not 11 digits."""
    assert resident_mobile(typed) == "13800001111"
    assert resident_contact(typed).replace(" ", "").endswith("13800001111")
