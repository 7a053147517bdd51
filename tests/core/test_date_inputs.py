"""A date the server fills in shows in the browser's date field in the Chinese interface.

A `type="date"` input reads only 2026-12-05; Django's Chinese format wrote 2026/12/05, so the
field showed blank and the first save was refused with 请填写此项 (the 社情民意 采用日期, the
duty and checks forms, every date input without its own format)."""

import re

import pytest
from django.utils import timezone

from tests.opinions.conftest import world  # noqa: F401 (fixture)
from tests.opinions.factories import make_opinion
from xieshang.opinions.models import Opinion

S = Opinion.Status


@pytest.mark.django_db
def test_the_adoption_date_is_filled_with_today_in_a_form_the_date_field_reads(client, world):  # noqa: F811
    office = world["office"]
    opinion = make_opinion(world["member"], office=office, state=S.PUBLISHED)
    client.force_login(office)
    html = client.get(f"/opinions/{opinion.pk}/").content.decode()
    field = re.search(r'<input type="date" name="adopted_on"[^>]*>', html)
    assert field, "the 采用日期 field is on the page"
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in field.group(0)


@pytest.mark.django_db
def test_a_chinese_date_typed_by_hand_is_still_accepted():
    from xieshang.opinions.forms import AdoptionForm

    for typed in ("2026-03-02", "2026/03/02", "2026年3月2日"):
        form = AdoptionForm(data={"level": "city", "mode": "standalone", "adopted_on": typed})
        form.is_valid()
        assert "adopted_on" not in form.errors, (typed, form.errors)
