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


def _database_options(**env) -> dict:
    """The default database's OPTIONS as settings.py builds them from `env`."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tthc.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to():
    url = "postgres://tthc@127.0.0.1:5432/tthc"
    assert _database_options(DATABASE_URL=url)["server_side_binding"] is True
    off = _database_options(DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in off
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///:memory:")
