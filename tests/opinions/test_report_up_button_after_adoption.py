"""The 上报情况 panel offers 上报上级政协 only to whom the POST accepts it from (demo item
/opinions/6/): once the city office has adopted a district's 社情民意 item, the report
further up would go from the city, so the district office, which the POST refuses (403),
is no longer shown the button."""

import pytest
from django.urls import reverse

from tests.opinions.factories import make_opinion
from xieshang.followups import services as referrals
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]
S = Opinion.Status
BUTTON = "上报上级政协</button>"


def test_the_district_office_loses_the_button_once_the_city_has_adopted(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    url = reverse("opinions:detail", args=[opinion.pk])
    submit = f"/followups/referrals/new/opinions.opinion/{opinion.pk}/"
    client.force_login(world["office"])
    assert BUTTON in client.get(url).content.decode()

    referral = referrals.referral_submit(item=opinion, actor=world["office"])
    referrals.referral_adopt(referral=referral, actor=world["city_office"])

    page = client.get(url).content.decode()
    assert BUTTON not in page
    assert "已采用" in page  # the path still shows the city's adoption
    # The page agrees with the action: the POST is refused.
    assert client.post(submit).status_code == 403


def test_a_returned_item_offers_its_own_office_the_button_again(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    referral = referrals.referral_submit(item=opinion, actor=world["office"])
    referrals.referral_return(referral=referral, actor=world["city_office"], reason="请补充数据")
    client.force_login(world["office"])
    page = client.get(reverse("opinions:detail", args=[opinion.pk])).content.decode()
    assert BUTTON in page
