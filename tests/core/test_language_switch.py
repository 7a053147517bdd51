"""The language switch names each language in its own name (English, 简体中文), whatever the
page's language, and the choice is kept for a year, not only for the browser session."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[str]:
    select = re.search(r'<select id="lang-select".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("cookie", ["", "en"])
def test_each_language_is_named_in_its_own_language(client, cookie):
    if cookie:
        client.cookies["django_language"] = cookie
    html = client.get(reverse("login")).content.decode()
    assert _options(html) == ["简体中文", "English"]
    assert "英语" not in html and "Simplified Chinese" not in html


def test_the_chosen_language_is_kept_for_a_year(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
