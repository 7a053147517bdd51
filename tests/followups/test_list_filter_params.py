"""The follow-up lists (批示落实, 报送本机关, 上报) read their filters as the follow-up queue
does (`core.params.choice_param`): a value the page offers filters, an empty one is 全部,
and one it does not offer is a 400 naming the choices — not silently every row."""

import pytest
from django.urls import reverse

from tests.followups import test_leaders_offices_close as close
from tests.followups.test_referrals import published, tree  # noqa: F401
from xieshang.followups import services

pytestmark = pytest.mark.django_db
world = close.world


def test_the_instructions_list_filters_by_state_and_kind_and_refuses_others(client, world):
    w = world
    close._instructed(w)
    title = "关于老旧小区加装电梯资金分摊的建议"
    client.force_login(w["party_office"])
    url = reverse("followups:instructions")
    assert title in client.get(url + "?state=open&kind=opinions.opinion").content.decode()
    assert title in client.get(url + "?state=&kind=").content.decode()
    assert title not in client.get(url + "?state=answered").content.decode()
    refused = client.get(url + "?state=late")
    assert refused.status_code == 400
    assert "状态（state）不是有效的选项" in refused.content.decode()
    assert "已逾期（overdue）" in refused.content.decode()
    refused = client.get(url + "?kind=letters")
    assert refused.status_code == 400
    assert "事项类别（kind）" in refused.content.decode()
    assert "（opinions.opinion）" in refused.content.decode()


def test_the_received_list_filters_by_state_and_refuses_others(client, world):
    w = world
    close._instructed(w)
    client.force_login(w["party_office"])
    url = reverse("followups:received")
    instructed = client.get(url + "?state=instructed").content.decode()
    pending = client.get(url + "?state=pending").content.decode()
    assert "关于老旧小区加装电梯资金分摊的建议" in instructed
    assert "关于老旧小区加装电梯资金分摊的建议" not in pending
    refused = client.get(url + "?state=done")
    assert refused.status_code == 400
    assert "本机关未记录批示（pending）" in refused.content.decode()
    refused = client.get(url + "?kind=letters")
    assert refused.status_code == 400 and "事项类别（kind）" in refused.content.decode()


def test_the_referral_queue_filters_by_state_and_refuses_others(client, tree):  # noqa: F811
    opinion = published(tree)
    services.referral_submit(item=opinion, actor=tree["office"])
    client.force_login(tree["city_office"])
    url = reverse("followups:referrals")
    # The 下级上报 tab opens on 待处理; its 全部 is every state.
    assert opinion.title in client.get(url).content.decode()
    assert opinion.title in client.get(url + "?state=").content.decode()
    assert opinion.title not in client.get(url + "?state=returned").content.decode()
    refused = client.get(url + "?state=waiting")
    assert refused.status_code == 400
    assert "状态（state）不是有效的选项" in refused.content.decode()
    assert "（submitted）" in refused.content.decode()
    refused = client.get(url + "?kind=opinion")
    assert refused.status_code == 400 and "（opinions.opinion）" in refused.content.decode()
    # The tab too: a mistyped direction was read as 下级上报.
    assert opinion.title not in client.get(url + "?direction=out").content.decode()
    refused = client.get(url + "?direction=up")
    assert refused.status_code == 400
    assert "方向（direction）不是有效的选项" in refused.content.decode()
    assert "本级上报（out）" in refused.content.decode()
