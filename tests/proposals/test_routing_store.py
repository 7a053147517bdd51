"""Department suggestion: models are built from the history only in the task worker and
stored; a page loads the stored model or, without one, uses the remit-only model and asks
for a rebuild."""

import pytest

from tests.proposals.conftest import accepted
from xieshang.core import scheduler
from xieshang.orgs.models import Department
from xieshang.proposals import routing, services
from xieshang.proposals.models import SuggestionModel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_models():
    routing.forget()
    yield
    routing.forget()


def _history(world, n=3):
    for i in range(n):
        done = accepted(world, title=f"关于校园周边交通安全的建议{i}")
        services.proposal_assign(proposal=done, actor=world.reviewer, lead=world.education)


def _no_history_in_requests(monkeypatch):
    """A queue that runs nothing at once (the database backend), and a history that must not
    be read."""
    asked = []

    def request_rebuild(ids):
        asked.extend(ids)
        return False

    def history(*args, **kwargs):
        raise AssertionError("a request built a model from the history")

    monkeypatch.setattr(routing, "_request_rebuild", request_rebuild)
    monkeypatch.setattr(routing, "history_rows", history)
    return asked


def test_a_stored_model_scores_as_the_model_it_was_built_from(world):
    _history(world)
    departments = routing._active_departments([world.district.pk])[world.district.pk]
    built = routing.build(departments, routing.history_rows(world.district.pk))
    loaded = routing.loads(routing.dumps(built), departments, "fp")
    text = routing.proposal_text("关于改善校园周边交通安全的建议")
    assert loaded.scores(text) == built.scores(text)
    assert loaded.suggest_text(text) == built.suggest_text(text)


def test_without_a_stored_model_a_request_uses_remits_and_asks_for_a_rebuild(world, monkeypatch):
    _history(world)
    asked = _no_history_in_requests(monkeypatch)
    new = accepted(world, title="关于改善校园周边交通安全的建议")
    routing.suggest(new)  # the remit-only model: nothing on record read
    assert asked == [world.district.pk]
    routing.suggest(new)
    assert asked == [world.district.pk]  # asked once, not on every page
    assert not SuggestionModel.objects.exists()


def test_the_worker_stores_the_model_and_every_process_loads_it(world, monkeypatch):
    _history(world)
    routing.rebuild(world.district.pk)  # what the task does, in the worker
    stored = SuggestionModel.objects.get(organisation=world.district)
    assert stored.last_assignment > 0
    asked = _no_history_in_requests(monkeypatch)
    routing._models.clear()  # another process
    new = accepted(world, title="关于改善校园周边交通安全的建议")
    suggestions = routing.suggest(new)
    assert suggestions[0].department == world.education
    assert suggestions[0].level == "把握较大"
    assert asked == []


def test_a_changed_remit_uses_the_remit_only_model_until_rebuilt(world, monkeypatch):
    _history(world)
    routing.rebuild(world.district.pk)
    asked = _no_history_in_requests(monkeypatch)
    world.housing.remit = "负责学校体育场馆向社会开放。"
    Department.objects.filter(pk=world.housing.pk).update(remit=world.housing.remit)
    proposal = accepted(world, title="关于加强学校体育场馆开放的建议")
    assert routing.suggest(proposal)[0].department == world.housing
    assert asked == [world.district.pk]


def test_the_periodic_job_rebuilds_missing_and_stale_models(world):
    assert world.district.pk in routing.stale_organisations()
    # The test settings run tasks at once.
    assert scheduler.run_job("proposals.refresh_suggestion_models") >= 1
    assert world.district.pk not in routing.stale_organisations()
    assert scheduler.run_job("proposals.refresh_suggestion_models") == 0
    _history(world, 1)  # a new assignment
    assert world.district.pk in routing.stale_organisations()
    Department.objects.filter(pk=world.housing.pk).update(is_active=False)
    scheduler.run_job("proposals.refresh_suggestion_models")
    assert world.district.pk not in routing.stale_organisations()
