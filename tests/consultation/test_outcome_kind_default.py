"""A new outcome's type is first offered from its activity's form (services.
OUTCOME_KIND_BY_FORM): a standing-committee consultation adopts a 建议案, a sector
consultation goes out as a 协商专报, a symposium is written up as 协商纪要."""

import datetime as dt
import re

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm


def _selected_kind(page: str) -> str:
    select = re.search(r'<select[^>]*name="kind"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the outcome form is shown"
    chosen = re.findall(r'<option value="(\w+)"[^>]*selected', select.group(1))
    assert len(chosen) == 1
    return chosen[0]


@pytest.mark.clause("C2.8")
@pytest.mark.parametrize(
    "form, kind",
    [
        (ActivityForm.STANDING, "recommendation"),
        (ActivityForm.SECTOR, "bulletin"),
        (ActivityForm.SYMPOSIUM, "minutes"),
    ],
)
def test_the_outcome_form_offers_the_type_the_activity_usually_produces(world, client, form, kind):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="协商活动",
        form=form,
        date=dt.date(2026, 9, 28),
        place="区政协",
        sector=world.business_sector if form == ActivityForm.SECTOR else None,
    )
    services.activity_add_participants(activity=activity, actor=world.office, members=world.members)
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    client.force_login(world.office)
    page = client.get(f"/consultation/activities/{activity.pk}/").content.decode()
    assert _selected_kind(page) == kind
