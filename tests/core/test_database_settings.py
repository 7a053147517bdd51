"""Production database settings that a province's pages depend on."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL settings")
def test_postgresql_connections_persist_and_skip_the_jit():
    # The JIT spent ~190 ms compiling a ranked search that runs in a few (bench/search.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
