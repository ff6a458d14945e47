"""The dossier lookup's verification limit follows TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS."""

import pytest

from tthc.dossiers import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("attempts", [1, 3, 8])
def test_lookup_verification_limit_follows_the_setting(settings, received, travel, attempts):
    settings.TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS = attempts
    travel(2025, 1, 22, 10)
    dossier = received()
    for _ in range(attempts):
        assert selectors.lookup(dossier.code, verify="0000")["verify_blocked"] is False
    assert selectors.lookup(dossier.code, verify="0000")["verify_blocked"] is True
