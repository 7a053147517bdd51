"""core.counters: one locked row per numbering series."""

import threading

import pytest
from django.db import connection, transaction

from tests.concurrency import database_as_deployed
from xieshang.core import counters
from xieshang.core.models import Counter


@pytest.mark.django_db
def test_a_new_series_starts_after_the_numbers_already_used():
    assert counters.next_value("s", start_after=lambda: 41) == 42
    assert counters.next_value("s", start_after=lambda: 41) == 43
    assert counters.next_value("fresh", start_after=lambda: None) == 1
    assert counters.next_value("fresh") == 2


@pytest.mark.django_db
def test_numbers_given_outside_the_counter_move_it_on():
    counters.next_value("s")
    # A row numbered 10 by an import: the counter never hands out 10 again.
    assert counters.next_value("s", start_after=10) == 11


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    counters.next_value("s")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert counters.next_value("s") == 2
        raise RuntimeError
    assert counters.next_value("s") == 2


@pytest.mark.django_db(transaction=True)
def test_first_use_from_many_transactions_at_once_gives_distinct_numbers(tmp_path):
    """The counter row does not exist yet and every thread tries to create it."""
    parallel = 12
    barrier = threading.Barrier(parallel, timeout=30)
    got: list = []

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                got.append(counters.next_value("race", start_after=lambda: 0))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            got.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(parallel)]
    with database_as_deployed(tmp_path):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        value = Counter.objects.get(key="race").value
    assert value == parallel, got  # an exception in `got` says which thread failed and why
    assert sorted(got) == list(range(1, parallel + 1))
