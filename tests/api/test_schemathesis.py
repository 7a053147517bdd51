"""Every API operation, fed schemathesis-generated requests: no server error, ever.

Bounded so it runs with the suite: a fixed number of derandomised examples per operation —
valid requests, invalid ones, and valid ones aimed at rows that exist — without shrinking,
against the demo district, with the tokens of a few demo roles. Responses are also checked
against the status codes and bodies the OpenAPI documents.
"""

import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer
from xieshang.budgets.models import BudgetLine
from xieshang.consultation.models import ConsultationPlan, Topic
from xieshang.core import files
from xieshang.followups.models import Task
from xieshang.meetings.models import LeaveRequest, Meeting, Sitting
from xieshang.members.models import Member
from xieshang.opinions.models import Opinion
from xieshang.proposals.models import Proposal

# The member operations are reached with a member's token as a future member app would
# (deployed, a member's token is refused: tests/api/test_token_holder.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]

# Examples per operation and kind: enough to reach odd numbers, empty and long strings and
# missing fields; small enough for about a minute per database on a 2-core machine.
VALID_EXAMPLES = 10
INVALID_EXAMPLES = 8
EXISTING_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Which rows a path id names, so some requests reach real objects, not only 404s.
# Longest prefix first: /meetings/leave/{pk} is not a meeting.
PATH_ROWS = [
    ("/api/v1/consultation/topics/", Topic),
    ("/api/v1/consultation/plans/", ConsultationPlan),
    ("/api/v1/meetings/leave/", LeaveRequest),
    ("/api/v1/meetings/sittings/", Sitting),
    ("/api/v1/meetings/", Meeting),
    ("/api/v1/members/", Member),
    ("/api/v1/followups/", Task),
    ("/api/v1/proposals/", Proposal),
    ("/api/v1/opinions/", Opinion),
    ("/api/v1/budgets/", BudgetLine),
]


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests go through the whole WSGI stack, but inside the test's transaction: Django's
    request signals would otherwise close the connection (and the transaction) after each
    request, which the test client avoids the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def existing_ids(path: str) -> list[int]:
    model = next(model for prefix, model in PATH_ROWS if path.startswith(prefix))
    # Spread over the table: the first rows, some in the middle and the last ones.
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    return sorted(set(ids[:3] + ids[len(ids) // 2 : len(ids) // 2 + 2] + ids[-3:]))


def existing_files() -> list[tuple[str, int, str]]:
    """(label, pk, field) of a few stored files of each kind the file route serves."""
    found = []
    for label, reg in files.REGISTRY.items():
        for field in reg.fields:
            rows = reg.model._default_manager.exclude(**{field: ""}).order_by("pk")
            found += [(label, pk, field) for pk in rows.values_list("pk", flat=True)[:2]]
    return found


def run(strategy, label: str, examples: int) -> list[str]:
    failures: list[str] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as exc:  # collected, so one run reports every operation's failures
            failures.append(f"{label}: {exc}")

    try:
        check()
    except Unsatisfiable:
        pass  # nothing to make invalid: the operation takes no parameters and no body
    return failures


def fuzz(operation, headers: dict) -> list[str]:
    label = operation.label
    failures = run(operation.as_strategy(headers=headers), f"{label} [valid]", VALID_EXAMPLES)
    failures += run(
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, headers=headers),
        f"{label} [invalid]",
        INVALID_EXAMPLES,
    )
    names = [p.name for p in operation.path_parameters]
    if operation.path.startswith("/api/v1/files/"):
        stored = existing_files()
        if stored:
            strategy = st.one_of(
                *[
                    operation.as_strategy(
                        headers=headers, path_parameters={"label": lb, "pk": pk, "field": f}
                    )
                    for lb, pk, f in stored
                ]
            )
            failures += run(strategy, f"{label} [existing files]", EXISTING_EXAMPLES)
    elif names:
        ids = existing_ids(operation.path)
        strategy = st.one_of(
            *[operation.as_strategy(headers=headers, path_parameters={names[0]: pk}) for pk in ids]
        )
        failures += run(strategy, f"{label} [existing rows]", EXISTING_EXAMPLES)
    return failures


@pytest.mark.parametrize("username", ["office", "proposal", "member", "dept"])
def test_no_operation_answers_a_server_error(demo, wsgi_in_test_transaction, username):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    headers = {"Authorization": bearer(username)["HTTP_AUTHORIZATION"]}
    failures: list[str] = []
    timings: dict[str, float] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        started = time.monotonic()
        # A fuzzer sends thousands of requests a minute; the per-token budget is tested in
        # tests/core/test_api_tokens.py.
        with override_settings(API_RATE_PER_MINUTE=10**9):
            failures += fuzz(operation, headers)
        timings[operation.label] = round(time.monotonic() - started, 2)
    assert len(timings) > 20
    print(sorted(timings.items(), key=lambda kv: -kv[1])[:5])  # noqa: T201 - shown with -s
    assert failures == [], "\n\n".join(failures)
