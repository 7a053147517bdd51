import io

import pytest
from django.core.management import call_command
from django.db import transaction

from xieshang.core.models import ApiToken, User


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district, seeded once per module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", profile="district", seed=11, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def bearer(username: str) -> dict:
    _, raw = ApiToken.issue(user=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
