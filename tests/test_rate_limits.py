"""The public rate limits are settings read from the environment (a load test raises them), and
each limit follows its setting."""

import runpy

import pytest

from tthc import settings as settings_module
from tthc.core.ratelimit import Throttled
from tthc.dossiers.services import check_submission_rate
from tthc.feedback import abuse
from tthc.feedback.selectors import verify_blocked, verify_failed

LIMIT_VARIABLES = {
    "TTHC_DOSSIER_SUBMISSIONS_PER_HOUR": ("TTHC_DOSSIER_SUBMISSIONS_PER_HOUR", 20),
    "TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS": ("TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS", 5),
    "TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS": ("TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS", 900),
    "TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS": ("TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS", 5),
    "TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS": (
        "TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS",
        900,
    ),
}
FEEDBACK_VARIABLES = [
    "TTHC_FEEDBACK_PER_IP",
    "TTHC_FEEDBACK_PER_IP_WINDOW_SECONDS",
    "TTHC_FEEDBACK_PER_PHONE",
    "TTHC_FEEDBACK_PER_PHONE_WINDOW_SECONDS",
]


def _load_settings(monkeypatch, **environment) -> dict:
    for name in [*(v for v, _ in LIMIT_VARIABLES.values()), *FEEDBACK_VARIABLES]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_defaults_are_todays_values(monkeypatch):
    loaded = _load_settings(monkeypatch)
    for setting, (_, default) in LIMIT_VARIABLES.items():
        assert loaded[setting] == default, setting
    assert loaded["TTHC_FEEDBACK_RATE_LIMITS"] == {"ip": (10, 3600), "phone": (5, 86400)}


def test_the_environment_raises_every_limit(monkeypatch):
    environment = {variable: "123456" for variable, _ in LIMIT_VARIABLES.values()}
    environment.update(dict.fromkeys(FEEDBACK_VARIABLES, "654321"))
    loaded = _load_settings(monkeypatch, **environment)
    for setting in LIMIT_VARIABLES:
        assert loaded[setting] == 123456, setting
    assert loaded["TTHC_FEEDBACK_RATE_LIMITS"] == {
        "ip": (654321, 654321),
        "phone": (654321, 654321),
    }


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_dossier_submissions_follow_the_setting(settings, limit):
    settings.TTHC_DOSSIER_SUBMISSIONS_PER_HOUR = limit
    for _ in range(limit):
        check_submission_rate(ip="198.51.100.1")
    with pytest.raises(Throttled, match="quá nhiều hồ sơ trực tuyến"):
        check_submission_rate(ip="198.51.100.1")
    check_submission_rate(ip="198.51.100.2")  # another address is counted apart


@pytest.mark.parametrize(("per_ip", "per_phone"), [(2, 100), (100, 3)])
def test_feedback_submissions_follow_the_setting(settings, per_ip, per_phone):
    settings.TTHC_FEEDBACK_RATE_LIMITS = {"ip": (per_ip, 3600), "phone": (per_phone, 3600)}
    allowed = min(per_ip, per_phone)
    for _ in range(allowed):
        abuse.check(ip="198.51.100.3", phone="0912345678")
    with pytest.raises(Throttled) as refused:
        abuse.check(ip="198.51.100.3", phone="0912345678")
    assert refused.value.field == ("phone" if per_phone < per_ip else None)


def test_feedback_lookup_follows_the_setting(settings):
    settings.TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS = 2
    verify_failed("PA-1")
    assert not verify_blocked("PA-1")
    verify_failed("PA-1")
    assert verify_blocked("PA-1")
    settings.TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS = 50  # raised (a load test): open again
    assert not verify_blocked("PA-1")
