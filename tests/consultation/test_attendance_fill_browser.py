"""In the browser, 未选的设为出席 fills only the participants nobody has chosen yet, and the
clerk's own choices stand."""

import pytest

from tests.conftest import login
from tests.consultation.test_refused_forms import _activity
from xieshang.consultation.models import Participant


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_fill_button_sets_only_the_unchosen(page, world):
    activity = _activity(world)
    p1, p2 = activity.participants.order_by("pk")
    login(page, world.office.username)
    page.goto(page.base_url + f"/consultation/activities/{activity.pk}/")
    page.locator(f"#id_p{p1.pk}").select_option("absent")
    assert page.locator(f"#id_p{p2.pk}").input_value() == ""
    page.get_by_role("button", name="未选的设为出席").click()
    assert page.locator(f"#id_p{p1.pk}").input_value() == "absent"
    assert page.locator(f"#id_p{p2.pk}").input_value() == "attended"
    page.get_by_role("button", name="登记出席情况（活动已召开）").click()
    page.wait_for_load_state()
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.attendance, p2.attendance) == (
        Participant.Attendance.ABSENT,
        Participant.Attendance.ATTENDED,
    )
