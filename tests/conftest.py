import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache

from tthc.core import revisions

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
    revisions.forget_all()  # a rolled-back test changes no revision: drop what was derived


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"dữ liệu dùng chung không có ở {SHARED_DATA} (chạy ngoài môi trường dự án)")
    return SHARED_DATA


@dataclass(frozen=True)
class Poppler:
    """Poppler's command-line tools, to read back the PDFs the platform renders: `text` with
    pdftotext, `pages` with pdftoppm (one PNG per page)."""

    pdftotext: str
    pdftoppm: str

    def text(self, data: bytes, *options: str) -> str:
        """The text of the PDF `data` (`pdftotext [options] - -`)."""
        done = subprocess.run(
            [self.pdftotext, *options, "-", "-"], input=data, capture_output=True, check=True
        )
        return done.stdout.decode()

    def pages(
        self, data: bytes, directory: Path, *, dpi: int = 150, name: str = "page"
    ) -> list[Path]:
        """The pages of the PDF `data` as PNG files `directory/name-N.png` (`pdftoppm -png`)."""
        directory.mkdir(parents=True, exist_ok=True)
        pdf = directory / f"{name}.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            [self.pdftoppm, "-r", str(dpi), "-png", str(pdf), str(directory / name)], check=True
        )
        return sorted(directory.glob(f"{name}-*.png"))


@pytest.fixture
def poppler() -> Poppler:
    """pdftotext and pdftoppm, from the Debian package poppler-utils that `make test` installs
    (`make system-deps`). Where they are missing the test is skipped, naming the package, before
    it starts (never a FileNotFoundError halfway through)."""
    tools = {name: shutil.which(name) for name in ("pdftotext", "pdftoppm")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} không có: cài gói poppler-utils "
            "(apt-get install poppler-utils, hoặc make system-deps)"
        )
    return Poppler(**tools)
