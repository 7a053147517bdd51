"""A consultation report (协商专报) goes up the tree through the one mechanism (上报, C2.9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import user_with_role
from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.followups import services as referrals
from xieshang.followups.models import Referral
from xieshang.orgs.models import Role


@pytest.mark.clause("C2.9")
def test_a_consultation_report_is_sent_to_the_city_and_forwarded_only_where_it_can(world):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="界别协商",
        form="sector",
        date=dt.date(2026, 11, 2),
        place="区政协",
        sector=world.education_sector,
    )
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    report = services.outcome_create(
        activity=activity, actor=world.office, kind=Outcome.Kind.BULLETIN, title="专报", body="……"
    )
    minutes = services.outcome_create(
        activity=activity, actor=world.office, kind=Outcome.Kind.MINUTES, title="纪要", body="……"
    )
    # Minutes do not go up; a draft report not yet either.
    with pytest.raises(ValidationError):
        referrals.referral_submit(item=minutes, actor=world.office)
    with pytest.raises(ValidationError):
        referrals.referral_submit(item=report, actor=world.office)
    services.outcome_submit(outcome=report, actor=world.office)
    referral = referrals.referral_submit(item=report, actor=world.office)
    assert referral.to_organisation == world.city
    city_office = user_with_role(Role.OFFICE, world.city)
    # The city is the top of this tree.
    with pytest.raises(ValidationError):
        referrals.referral_forward(referral=referral, actor=city_office)
    referral.refresh_from_db()
    assert referral.state == Referral.State.SUBMITTED
    referrals.referral_merge(referral=referral, actor=city_office, note="《市政协专报》第2期")
    referral.refresh_from_db()
    assert referral.state == Referral.State.MERGED
