"""A phone (iOS Safari) zooms the page into a field whose text is under 16 px when it takes
the focus: the small selects and inputs a member meets on a phone (the language switch on
every page, the list filters) read 16 px there."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.duty.factories import setting

pytestmark = pytest.mark.django_db


def test_the_small_fields_read_16px_on_a_phone(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    page = client.get(reverse("duty:my_file")).content.decode()
    assert re.search(r'<select[^>]*name="language"[^>]*class="[^"]*form-select-sm', page) or (
        'class="form-select form-select-sm"' in page
    )
    css = (settings.BASE_DIR / "xieshang" / "static" / "xs" / "site.css").read_text()
    phone = re.findall(r"@media screen and \(max-width: 767\.98px\) \{(.*?)\n\}", css, re.S)
    rules = "".join(phone)
    assert re.search(r"\.form-control-sm, \.form-select-sm \{ font-size: 1rem; \}", rules)
