"""Screenshots for docs/screenshots/, taken only when asked (`make screenshots` sets
TTHC_SCREENSHOTS): an ordinary test run never rewrites files of the checkout."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Shots:
    def __init__(self, prefix: str = ""):
        directory = os.environ.get("TTHC_SCREENSHOTS", "")
        self.directory = (ROOT / directory) if directory else None
        self.prefix = prefix
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        if self.directory:
            path = self.directory / f"{self.prefix}{name}.png"
            page.screenshot(path=str(path), full_page=True)
