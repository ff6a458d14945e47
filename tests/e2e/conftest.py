"""Browser tests: Playwright (sync API) driving Debian's chromium, never a downloaded browser.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls
from it ("async unsafe"); the tests and the live server are ordinary synchronous code, so the
check is switched off here.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"không có {CHROMIUM}: cài bằng `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
