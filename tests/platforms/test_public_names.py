"""A published session's record on the portal: the residents who took part are removed also
where the minutes call them by surname (王阿姨, 老李), as a resident's published issue is."""

import pytest

from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.platforms import services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.10")]


def test_residents_called_by_surname_are_removed_from_the_published_record(client, world):
    platform = make_platform(world)
    session = make_session(world, platform)
    hold(
        world,
        session,
        minutes="王阿姨反映电梯噪音，老李建议分摊费用；王府井商户代表列席。",
        outcomes=[("由王阿姨所在楼栋先行试点", "社区居委会")],
        resident_names="王秀英、李建国",
    )
    services.session_approve(session=session, actor=world["office"])
    html = client.get(f"/portal/platforms/outcomes/{session.pk}/").content.decode()
    assert "王阿姨" not in html and "老李" not in html
    assert "***反映电梯噪音" in html and "由***所在楼栋先行试点" in html
    # A word that starts with the surname is not the resident.
    assert "王府井" in html
    csv = client.get("/portal/data/platform-sessions.csv").content.decode("utf-8-sig")
    assert "***反映电梯噪音" in csv and "王阿姨" not in csv
