"""Settings of the web processes started by the acceptance test (test_acceptance.py): the
project's settings, one trusted proxy in front (the test sends X-Forwarded-For), the live store
under a key prefix of the test's own, tables made straight from the models (fast)."""

import os

from tthc.settings import *  # noqa: F403

TTHC_TRUSTED_PROXY_COUNT = 1
TTHC_VISITS_REDIS_PREFIX = os.environ["TTHC_TEST_VISITS_PREFIX"]
TTHC_VISITS_TOTAL_OFFSET = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}


class _NoMigrations(dict):
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


MIGRATION_MODULES = _NoMigrations()
