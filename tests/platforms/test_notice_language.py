"""A session record's correction is noted in the history in the reader's language, in
whichever the liaison corrected it."""

import pytest
from django.utils import translation

from tests.platforms.conftest import hold, make_platform, make_session
from xieshang.core.audit import history


@pytest.mark.clause("C2.10")
def test_a_corrected_session_record_is_noted_for_each_reader(world):
    session = make_session(world, make_platform(world))
    hold(world, session)
    with translation.override("en"):
        hold(world, session, minutes="更正后的纪要")
    event = history(session).get(verb="platform_session.edit")
    assert event.note == "修改议事记录"
    with translation.override("en"):
        assert event.shown_note == "Edit session record"
