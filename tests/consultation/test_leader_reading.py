"""What the Party committee and government offices, the chair and the supervising office
read of the year's consultation work (C2.1, C2.7)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.1")
def test_the_summary_plan_table_writes_the_approval_date_in_the_readers_language(world, client):
    world.publish(world.passing_plan(year=2026))  # approved on 20 November 2026
    client.force_login(world.chair)
    page = client.get("/consultation/summary/?year=2026").text
    table = page.split('id="summary-plans"')[1].split("</table>")[0]
    assert "2026年11月20日" in table
    client.cookies["django_language"] = "en"
    page = client.get("/consultation/summary/?year=2026").text
    table = page.split('id="summary-plans"')[1].split("</table>")[0]
    assert "Nov. 20, 2026" in table and "年" not in table


@pytest.mark.clause("C2.7")
def test_minutes_recorded_late_count_as_sent_the_day_they_went_out(world, client):
    """The minutes of a 28 September activity went out on paper on 30 September and are
    entered in December: the summary counts the minutes reminder as answered on time."""
    import datetime as dt

    import time_machine

    from tests.consultation.test_outcomes import held_activity
    from xieshang.consultation import services
    from xieshang.consultation.models import Outcome
    from xieshang.followups.models import Task

    with time_machine.travel(dt.datetime(2026, 9, 28, 2, tzinfo=dt.UTC)):
        activity = held_activity(world, day=dt.date(2026, 9, 28))
    with time_machine.travel(dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)):
        minutes = services.outcome_create(
            activity=activity,
            actor=world.office,
            kind=Outcome.Kind.MINUTES,
            title="经济界界别协商纪要",
            body="……",
            to_party_office=True,
        )
        services.outcome_submit(
            outcome=minutes, actor=world.office, submitted_on=dt.date(2026, 9, 30)
        )
        task = Task.objects.get(title__startswith="报送协商纪要")
        assert task.status == Task.Status.CLOSED and task.was_on_time
        client.force_login(world.chair)
        page = client.get("/consultation/summary/?year=2026")
    rows = {row[0]: row for row in page.context["report"].feedback_table()}
    label, due, on_time, late, missing, pending, rate = rows["协商纪要报送"]
    assert (due, on_time, late, rate) == (1, 1, 0, 100)


@pytest.mark.clause("C2.7")
def test_the_outcome_list_tells_this_years_minutes_from_last_years(world, client):
    """The same activity is held every year under the same name: the list gives the
    activity's date, so that the Party office finds this year's minutes."""
    import datetime as dt

    from tests.consultation.test_outcomes import held_activity
    from xieshang.consultation import services
    from xieshang.consultation.models import Outcome

    for day in (dt.date(2025, 9, 26), dt.date(2026, 9, 28)):
        outcome = services.outcome_create(
            activity=held_activity(world, day=day),
            actor=world.office,
            kind=Outcome.Kind.MINUTES,
            title="经济界界别协商纪要",
            body="……",
        )
        # Submitted: the Party office sees no drafts (test_draft_outcomes_hidden.py).
        services.outcome_submit(outcome=outcome, actor=world.office)
    client.force_login(world.party_office)
    table = client.get("/consultation/outcomes/").text.split('id="outcome-table"')[1]
    assert "活动日期" in table.split("</thead>")[0]
    assert table.index("2026年9月28日") < table.index("2025年9月26日")
