"""What the portal publishes of a resident's issue never names the people in it: a
neighbour named in the details and again in the reply, and the resident's flat given by its
bare number, are removed from the public page and the open-data files, as the footer
promises. The liaison sees, before it is published, exactly what the portal will show."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.residents.conftest import accepted
from xieshang.residents import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]

DETAILS = (
    "花园社区7号楼1单元402室住户赵德明长期在楼道堆放纸箱，多次劝说无效，存在消防隐患。"
    "我是住在302的陈阿姨。"
)
REPLY = "社区已上门与赵德明沟通，杂物已于12月8日清理。感谢陈桂兰阿姨反映。"


def test_a_neighbours_name_and_a_bare_room_number_are_not_published(world):
    issue, _code = accepted(
        world, title="楼道堆放杂物影响消防通道", description=DETAILS, resident_name="陈桂兰"
    )
    liaison = Client()
    liaison.force_login(world["liaison"])
    detail = reverse("residents:detail", args=[issue.pk])
    # Before the answer: the liaison is told the reply is published, and what of it.
    page = liaison.get(detail).content.decode()
    assert "隐去姓名、联系方式和门牌号后在公众平台公开" in page
    preview = page.split('id="public-preview"', 1)[1].split("</details>", 1)[0]
    assert "住户***长期在楼道堆放纸箱" in preview and "赵德明" not in preview

    liaison.post(reverse("residents:act", args=[issue.pk, "close"]), {"reply": REPLY})
    page = liaison.get(detail).content.decode()
    preview = page.split('id="public-preview"', 1)[1].split("</details>", 1)[0]
    assert "社区已上门与***沟通" in preview and "感谢***阿姨反映" in preview

    public = Client().get(reverse("residents_public:answer", args=[issue.pk])).content.decode()
    assert "堆放纸箱" in public and "社区已上门与***沟通" in public
    for private in ("赵德明", "陈桂兰", "302", "402"):
        assert private not in public, private
    for kind in ("data_csv", "data_json"):
        data = Client().get(reverse(f"portal:{kind}", args=["resident-answers"]))
        text = data.content.decode("utf-8-sig")
        assert "堆放纸箱" in text
        assert "赵德明" not in text and "住在302" not in text


def test_a_spam_marked_issue_a_person_accepted_and_answered_is_published(world):
    """Marked as spam by the screening (an e-mail, a WeChat id), accepted by the liaison
    and answered: the page says it is published, and it is, without the ids."""
    from types import SimpleNamespace

    verdict = SimpleNamespace(spam=True, held=True, reasons=["email", "wechat"])
    issue, _code = accepted(
        world,
        title="楼上漏水",
        description="楼上一直漏水。微信 zhangwei_88，邮箱 zw@example.com。",
        verdict=verdict,
    )
    services.issue_close(issue=issue, actor=world["liaison"], reply="已联系楼上住户维修。")
    public = Client().get(reverse("residents_public:answer", args=[issue.pk]))
    assert public.status_code == 200
    text = public.content.decode()
    assert "已联系楼上住户维修" in text
    assert "zhangwei_88" not in text and "zw@example.com" not in text
    liaison = Client()
    liaison.force_login(world["liaison"])
    page = liaison.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "已在公众平台公开" in page


def test_a_spam_marked_issue_answered_without_acceptance_says_it_is_not_published(world):
    from types import SimpleNamespace

    from tests.residents.conftest import raise_issue

    verdict = SimpleNamespace(spam=True, held=True, reasons=["link"])
    issue, _code = raise_issue(world, title="广告信息", verdict=verdict)
    services.issue_close(issue=issue, actor=world["liaison"], reply="不属于民情事项。")
    assert Client().get(reverse("residents_public:answer", args=[issue.pk])).status_code == 404
    liaison = Client()
    liaison.force_login(world["liaison"])
    page = liaison.get(reverse("residents:detail", args=[issue.pk])).content.decode()
    assert "不在公众平台公开（疑似垃圾信息，未经受理）" in page
    assert 'id="act-withhold"' not in page
