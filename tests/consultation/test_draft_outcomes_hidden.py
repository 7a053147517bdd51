"""A draft consultation outcome (起草中) is the committee's working text: the Party committee
office, the government office and the others who read consultation work see it only once
the office has submitted it, in the list, on its page (404), on the activity's page and
through the API; the office and the committees' staff who draft it see it all along
(`consultation.policies.can_view_draft_outcomes`)."""

import datetime as dt

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Outcome
from xieshang.core.models import ApiToken

pytestmark = pytest.mark.django_db

TITLE = "关于营商环境的协商专报（草稿）"


@pytest.fixture
def draft(world):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="经济界界别协商：营商环境",
        form=ActivityForm.SECTOR,
        date=dt.date(2026, 9, 28),
        place="区政协",
        sector=world.business_sector,
    )
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    return services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title=TITLE,
        body="一、营商环境的现状……",
    )


def _sees(client, user, outcome) -> dict:
    client.force_login(user)
    listed = client.get("/consultation/outcomes/").content.decode()
    activity = client.get(f"/consultation/activities/{outcome.activity_id}/").content.decode()
    _, raw = ApiToken.issue(user=user, name="test")
    api = client.get("/api/v1/consultation/outcomes", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    return {
        "list": TITLE in listed,
        "page": client.get(f"/consultation/outcomes/{outcome.pk}/").status_code,
        "activity": TITLE in activity,
        "api": [o["title"] for o in api["items"]],
    }


HIDDEN = {"list": False, "page": 404, "activity": False, "api": []}
SHOWN = {"list": True, "page": 200, "activity": True, "api": [TITLE]}


@pytest.mark.clause("C2.7")
@pytest.mark.parametrize("who", ["party_office", "gov_office", "chair", "supervisor"])
def test_a_draft_is_hidden_outside_the_committee_staff_until_submitted(client, world, draft, who):
    user = getattr(world, who)
    assert _sees(client, user, draft) == HIDDEN
    services.outcome_submit(outcome=draft, actor=world.office)
    assert _sees(client, user, draft) == SHOWN


@pytest.mark.clause("C2.7")
@pytest.mark.parametrize("who", ["office", "committee_staff"])
def test_the_staff_who_draft_outcomes_see_their_draft(client, world, draft, who):
    assert _sees(client, getattr(world, who), draft) == SHOWN


def test_the_status_filter_does_not_bring_drafts_back(client, world, draft):
    client.force_login(world.party_office)
    html = client.get("/consultation/outcomes/?status=draft").content.decode()
    assert TITLE not in html
