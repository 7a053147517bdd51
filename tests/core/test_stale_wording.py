"""A save refused by the shared optimistic lock (`core.audit.StaleEdit`,
`core.forms.refuse_stale`) says that the record was changed in another window or by someone
else, never that "someone else" did: most often it is the same user's other tab. What was
typed is kept and not yet saved, and saving again replaces the other version (the wording
the proposal draft page had, now shared by every page using the mechanism)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.members.factories import committee
from tests.members.test_edit import form_data

pytestmark = pytest.mark.django_db


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_the_same_clerk_saving_from_a_second_tab_is_told_another_window_or_person(client):
    c = committee()
    member = c.member("王芳", id_number="")
    client.force_login(c.clerk)
    url = reverse("members:edit", args=[member.pk])
    first_tab = _version(client.get(url).content.decode())
    second_tab = _version(client.get(url).content.decode())
    saved = client.post(
        url, {**form_data(c, employer="第一个窗口的单位", id_number=""), "version": first_tab}
    )
    assert saved.status_code == 302

    typed = {**form_data(c, employer="第二个窗口的单位", id_number=""), "version": second_tab}
    response = client.post(url, typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "该记录在您打开此页后已在其他窗口或由他人修改并保存" in html
    assert "您在本页填写的内容仍保留，尚未保存" in html
    assert "请再次保存（将替换另一处保存的内容）" in html
    assert "他人修改，" not in html and "对方" not in html  # not "someone else changed it"
    assert 'value="第二个窗口的单位"' in html  # what was typed is kept ...
    member.refresh_from_db()
    assert member.employer == "第一个窗口的单位"  # ... and not saved yet

    # Saving again, on purpose, replaces the other window's version.
    again = {**typed, "version": _version(html)}
    assert client.post(url, again).status_code == 302
    member.refresh_from_db()
    assert member.employer == "第二个窗口的单位"


def test_the_refusal_reads_in_english(client):
    c = committee()
    member = c.member("王芳", id_number="")
    client.force_login(c.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("members:edit", args=[member.pk])
    loaded = _version(client.get(url).content.decode())
    client.post(url, {**form_data(c, employer="甲单位", id_number=""), "version": loaded})
    response = client.post(
        url, {**form_data(c, employer="乙单位", id_number=""), "version": loaded}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "changed and saved in another window, or by someone else" in html
    assert "save again (it replaces the other saved version)" in html
