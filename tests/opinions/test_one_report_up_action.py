"""报送上级政协 is one action on an item's page (fix-opin): the item's own office reports up
with the 上报情况 panel's button and to its Party committee and government with the 报送
form, which no longer repeats 报送上级政协; an office above reports an item it adopted
further up with the form (the panel offers it nothing then), and while the item waits for
its decision it has only the panel's buttons."""

import pytest
from django.urls import reverse

from tests.factories import make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.audit import history
from xieshang.followups import services as referrals
from xieshang.opinions import services
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C3.2")]
S = Opinion.Status


def _actions(html: str) -> int:
    """How many controls on the page report the item up (a button or a tick box)."""
    return html.count("上报上级政协</button>") + html.count('name="upward"')


def test_the_items_own_office_has_one_report_up_action(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    client.force_login(world["office"])
    url = reverse("opinions:detail", args=[opinion.pk])
    page = client.get(url).content.decode()
    assert _actions(page) == 1
    assert 'name="party"' in page and 'name="government"' in page
    assert "报送本级党委、政府" in page
    # The panel's button reports it up; the form's party box reports to the Party committee.
    client.post(f"/followups/referrals/new/opinions.opinion/{opinion.pk}/")
    client.post(reverse("opinions:report", args=[opinion.pk]), {"party": "on"})
    opinion.refresh_from_db()
    assert opinion.reported_to == world["city"] and opinion.reported_to_party


def _adopted_by_the_city(world, client):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    referral = referrals.referral_submit(item=opinion, actor=world["office"])
    client.force_login(world["city_office"])
    url = reverse("opinions:detail", args=[opinion.pk])
    page = client.get(url).content.decode()
    assert 'name="upward"' not in page  # the panel's 采用 / 退回 decide
    assert "采用</button>" in page
    referrals.referral_adopt(referral=referral, actor=world["city_office"])
    return client.get(url).content.decode()


def test_an_office_above_reports_further_only_once_it_has_decided(client):
    province = make_org("示范省政协", Level.PROVINCE)
    city = make_org("示范市政协", Level.CITY, parent=province)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    world = {
        "member": member_user(district, name="张委员"),
        "office": user_with_role(Role.OFFICE, district),
        "city_office": user_with_role(Role.OFFICE, city),
    }
    page = _adopted_by_the_city(world, client)
    assert _actions(page) == 1 and 'name="upward"' in page


def test_an_office_with_no_cppcc_above_is_offered_no_report_up(client, world):
    page = _adopted_by_the_city(world, client)
    assert _actions(page) == 0


def test_reporting_up_an_item_already_reported_to_the_party_is_in_its_history(client, world):
    opinion = make_opinion(world["member"], office=world["office"], state=S.PUBLISHED)
    services.opinion_report(opinion=opinion, actor=world["office"], upward=False, party=True)
    referrals.referral_submit(item=opinion, actor=world["office"])
    opinion.refresh_from_db()
    assert opinion.status == S.REPORTED and opinion.reported_to == world["city"]
    reports = history(opinion).filter(verb="opinion.report")
    assert [e.data for e in reports.order_by("pk")][-1] == {"to": world["city"].name}
