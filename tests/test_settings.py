from django.core.checks import run_checks


def test_production_refuses_debug_and_default_secret(settings):
    settings.TTHC_ENV = "production"
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    ids = {e.id for e in run_checks()}
    assert {"tthc.E001", "tthc.E002"} <= ids


def test_production_with_real_settings_passes(settings):
    settings.TTHC_ENV = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 50
    settings.ALLOWED_HOSTS = ["dichvucong.example.gov.vn"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.TTHC_REQUIRE_2FA = True
    assert not [e for e in run_checks() if e.id.startswith("tthc.")]


def test_production_warns_without_https_or_two_factor(settings):
    settings.TTHC_ENV = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 50
    settings.ALLOWED_HOSTS = ["dichvucong.example.gov.vn"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.SESSION_COOKIE_SECURE = False
    settings.TTHC_REQUIRE_2FA = False
    ids = {e.id for e in run_checks()}
    assert {"tthc.W004", "tthc.W005", "tthc.W006"} <= ids


def _settings_value(expression: str, **env):
    """`expression` over the settings as settings.py builds them from `env` (a fresh process)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tthc.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database_options(**env) -> dict:
    """The default database's OPTIONS."""
    return _settings_value("settings.DATABASES['default'].get('OPTIONS', {})", **env)


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to():
    url = "postgres://tthc@127.0.0.1:5432/tthc"
    on = _database_options(DATABASE_URL=url)
    assert on["server_side_binding"] is True
    assert on["prepare_threshold"] == 5
    off = _database_options(DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///:memory:")


def test_postgresql_prepares_a_statement_sent_five_times(db):
    """On PostgreSQL the server keeps the plan of a query the site repeats (the queue's
    counts, the session and the user): the sixth run of one query is a prepared statement."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from tthc.catalog.models import Procedure

    for _ in range(6):
        list(Procedure.objects.filter(code="1.000000").values_list("pk"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "catalog_procedure"' in statement for statement in prepared), prepared


def test_sessions_are_read_from_the_cache_only_when_every_process_shares_it():
    redis = _settings_value("settings.SESSION_ENGINE", CACHE_URL="rediscache://127.0.0.1:6379/1")
    assert redis == "django.contrib.sessions.backends.cached_db"
    local = _settings_value("settings.SESSION_ENGINE", CACHE_URL="locmemcache://")
    assert local == "django.contrib.sessions.backends.db"
