"""A city office reads its districts' 社情民意 once the district's office has accepted them;
an item still 待审核, returned or not accepted is the district's own matter (offices-fix)."""

import pytest

from tests.opinions.factories import make_opinion
from xieshang.opinions import policies, services
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]
S = Opinion.Status


def _listed(user) -> set[str]:
    return set(Opinion.objects.filter(policies.visible_q(user)).values_list("title", flat=True))


def test_the_city_office_does_not_read_a_district_item_not_yet_accepted(client, world):
    waiting = make_opinion(world["member"], state=S.SUBMITTED, title="区里待审核的信息")
    rejected = make_opinion(world["member"], state=S.SUBMITTED, title="区里不予录用的信息")
    services.opinion_reject(opinion=rejected, actor=world["office"], reason="不符合要求")
    accepted = make_opinion(
        world["other_member"], office=world["office"], state=S.ACCEPTED, title="区里已录用的信息"
    )
    client.force_login(world["city_office"])
    assert client.get(f"/opinions/{waiting.pk}/").status_code == 404
    assert client.get(f"/opinions/{rejected.pk}/").status_code == 404
    assert client.get(f"/opinions/{accepted.pk}/").status_code == 200
    assert _listed(world["city_office"]) == {"区里已录用的信息"}
    # The district's own office reads all three, as before.
    client.force_login(world["office"])
    assert client.get(f"/opinions/{waiting.pk}/").status_code == 200
    everything = {"区里待审核的信息", "区里不予录用的信息", "区里已录用的信息"}
    assert _listed(world["office"]) == everything
