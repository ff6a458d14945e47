import os
from pathlib import Path

import pytest
from django.core.cache import cache

SHARED_DATA = Path(
    os.environ.get("TTHC_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Background tasks run inline in tests, so their effects can be asserted; passwords hash
    fast."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # no state (throttles, cached names) leaks from one test into another


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"dữ liệu dùng chung không có ở {SHARED_DATA} (chạy ngoài môi trường dự án)")
    return SHARED_DATA
