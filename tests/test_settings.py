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
    assert not [e for e in run_checks() if e.id.startswith("tthc.")]
