"""Test settings: the real settings, with fast hashing and in-process side channels."""

import os

os.environ.setdefault("XIESHANG_TESTING", "1")

from .settings import *  # noqa: F403

TESTING = True
# Tests that exercise the second factor turn it on themselves (the `two_factor` fixture).
STAFF_2FA_REQUIRED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process at enqueue time, so a test sees their effect after on_commit.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "xieshang.core.sms.MemorySmsBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No nightly backup among the scheduler's jobs: a test's tick would write an archive of the
# test database (tests/core/test_backup.py registers it where it needs it).
BACKUP_TIME = "off"
# Generated files are cached in memory, per process: tests write nothing to var/ and
# tests/conftest.py empties the cache before each test.
CACHES["files"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "files"}  # noqa: F405
# The home cards' cache relies on commits (core.changes bumps after them), which a TestCase
# never makes: its tests turn it on themselves (tests/core/test_home_cache.py).
HOME_CARDS_CACHE = False
# The same for the lists' rendered regions (tests/core/test_regions.py turns it on).
REGION_CACHE = False
# The same for a finished year's duty figures on the roll-up page, kept in the process's
# memory (a rolled-back test's organisation ids come back on SQLite):
# tests/duty/test_tree_closed_year.py turns it on.
CLOSED_YEAR_CACHE = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    # A test database is thrown away at the end of the run, so a commit need not wait for
    # the disk: the browser tests' live server commits every request and each flush, and
    # the migrations commit one by one (a commit measured 7 ms with the wait, 1.9 without,
    # on this machine under load). What the tests see is unchanged; only durability is.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
