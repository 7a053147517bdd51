"""A leader's 退回修改 or 签发 refused because the waiting answer was revised after their page
showed it (C4.6) says what to do next in words that fit: their remarks or sign-off do not
replace the answer, and the page shown again already shows the revised text, so not the
shared "save again, replacing the other version" of a record's own form (core.forms.
SAVE_AGAIN), which the clerk's answer form keeps."""

import pytest
from django.test import Client

from tests.proposals.test_answer_conflicts import (
    REVISED,
    answer_form_version,
    handle_url,
    leader,
    sign_off_version,
    waiting,
)
from tests.proposals.test_answer_send_back_stale import NOTE, send_back, send_back_version

__all__ = ["leader", "waiting"]  # fixtures, shared with test_answer_conflicts

STALE = "该记录在您打开此页后已在其他窗口或由他人修改并保存。"
SHARED = "将替换另一处保存的内容"


def revise(world, waiting) -> None:
    clerk = Client()
    clerk.force_login(world.housing_clerk)
    page = clerk.get(handle_url(waiting)).content.decode()
    revised = clerk.post(
        f"{handle_url(waiting)}answer/", {**REVISED, "version": answer_form_version(page)}
    )
    assert revised.status_code == 302


@pytest.mark.clause("C4.6")
def test_stale_remarks_say_to_read_the_revised_text_and_send_them_again(
    client, world, leader, waiting
):
    client.force_login(leader)
    version = send_back_version(client.get(handle_url(waiting)).content.decode(), waiting)
    revise(world, waiting)
    html = send_back(client, waiting, NOTE, version).content.decode()
    assert STALE in html
    assert "本页已显示修改后的答复。阅读后仍要退回修改的，请再次提交修改意见" in html
    assert SHARED not in html


@pytest.mark.clause("C4.6")
def test_a_stale_sign_off_says_to_read_the_revised_text_before_signing(
    client, world, leader, waiting
):
    client.force_login(leader)
    version = sign_off_version(client.get(handle_url(waiting)).content.decode(), waiting)
    revise(world, waiting)
    response = client.post(f"/proposals/dept/answers/{waiting.pk}/sign-off/", {"version": version})
    html = response.content.decode()
    assert response.status_code == 400
    # 签发 has no input: the answer changed, read it again; nothing "typed and kept".
    assert "该答复在您打开此页后已修改并保存。" in html
    assert "本页已显示修改后的答复，请阅读后再签发。" in html
    assert "您在本页填写的内容仍保留" not in html
    assert SHARED not in html
