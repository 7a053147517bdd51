"""Settings for the throughput bench (bench/load.py): the product's settings plus the bench's
own URLs (the framework-ceiling views). Nothing in the product imports this module, so the
ceiling views never exist on a real deployment.

BENCH_READ_ONLY=1 (PostgreSQL only) opens every connection to DATABASE_URL read-only
(`default_transaction_read_only`), so a shared data set such as the province seed cannot be
changed by the bench; the sessions the bench logs in with, and the audit rows of pages that
show personal data, then go to the schema `bench_writes` of the database named by
BENCH_SESSION_DATABASE_URL (which must hold the product's tables), through a database router
(the mechanism a deployment would use to send reports to a streaming replica, see
docs/performance.md).
"""

import os

import dj_database_url

from xieshang.settings import *  # noqa: F403
from xieshang.settings import DATABASES, envbool

ROOT_URLCONF = "bench.urls_bench"

BENCH_READ_ONLY = envbool("BENCH_READ_ONLY", False)
if BENCH_READ_ONLY:
    default = DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("BENCH_READ_ONLY needs a PostgreSQL DATABASE_URL")
    # Added to the product's own connection options (jit, random_page_cost), not instead.
    options = default.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on".strip()
    DATABASES["sessions"] = dj_database_url.parse(
        os.environ["BENCH_SESSION_DATABASE_URL"], conn_max_age=default["CONN_MAX_AGE"]
    )
    # Everything the bench writes lives in its own schema of that database (bench/load.py
    # creates it): the sessions, and the audit rows that pages showing personal data append.
    DATABASES["sessions"]["OPTIONS"] = {"options": "-c search_path=bench_writes,public"}
    DATABASES["sessions"]["CONN_HEALTH_CHECKS"] = default.get("CONN_HEALTH_CHECKS", False)
    DATABASE_ROUTERS = ["bench.settings_bench.SessionsRouter"]


def _is_session(model) -> bool:
    # The product's session model (SESSION_ENGINE core.sessions) and Django's own.
    return model._meta.app_label == "sessions" or model._meta.label == "core.AccountSession"


class SessionsRouter:
    """Sessions to the `sessions` database, and the audit rows a page appends when it shows
    personal data (core.pii.log_access); everything else to the read-only `default`."""

    def db_for_read(self, model, **hints):
        return "sessions" if _is_session(model) else None

    def db_for_write(self, model, **hints):
        if _is_session(model) or model._meta.label == "core.Event":
            return "sessions"
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        if db == "sessions":
            return app_label == "sessions"
        return None


# Hashed names like production, without production's gzip/brotli copies: the bench requests
# pages, not static files, and compressing every file took minutes of the shared two cores.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
