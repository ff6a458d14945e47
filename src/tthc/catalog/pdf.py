"""PDF rendering of the posting sheets: HTML templates → WeasyPrint, QR codes with segno.

PDFs are never stored: they are rendered on request and cached under a key that includes the
catalog fingerprint (`tthc.catalog.posting.fingerprint`), so any change of the catalog gives
a new file and a stale one is never served.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import segno
from django.core.cache import cache
from django.template.loader import render_to_string

from tthc.core.text import fold

CACHE_SECONDS = 24 * 3600


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI (error correction M, crisp at any size)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def cached_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    """The cached PDF for `key` (which must include the catalog fingerprint), or a new one."""
    cache_key = f"tthc:posting-pdf:{key}"
    pdf = cache.get(cache_key)
    if pdf is None:
        pdf = render()
        cache.set(cache_key, pdf, CACHE_SECONDS)
    return pdf


def ascii_filename(*parts: str, suffix: str = ".pdf") -> str:
    """A filename safe in any Content-Disposition: Vietnamese folded to ASCII, no spaces."""
    text = "-".join(fold(p) for p in parts if p)
    text = re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
    return f"{text[:120] or 'niem-yet'}{suffix}"
