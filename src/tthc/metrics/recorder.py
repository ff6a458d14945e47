"""Counting on the request path: only the live store is touched, never the database, and
nothing here may break a page (every failure is logged once and swallowed).

Search views report their searches through `record_search(request, query, result_count)`,
directly or through the signals connected in `apps.py`.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from tthc.core.text import fold
from tthc.metrics import visitors
from tthc.metrics.services import flush_visits
from tthc.metrics.store import MemoryStore, StoreUnavailable, get_store, is_current

logger = logging.getLogger(__name__)

MAX_QUERY = 100
# Identity card, phone and dossier numbers (9 digits or more, maybe grouped by spaces, dots or
# dashes) are never kept; procedure codes such as 1.001193 are.
_DIGITS = re.compile(r"\d(?:[ .\-]?\d){8,}")
_EMAIL = re.compile(r"\S+@\S+")

_warned: set[str] = set()


def _warn_once(what: str, exc: BaseException) -> None:
    if what not in _warned:
        _warned.add(what)
        logger.warning(
            "Thống kê truy cập: lỗi khi %s (%s); trang vẫn hiển thị.", what, exc, exc_info=True
        )


def normalise_query(query: str) -> str:
    """Folded (case, diacritics, đ), personal numbers and e-mail addresses masked, cut to 100."""
    text = fold(str(query or "")[:1000])
    text = _EMAIL.sub("@", text)
    text = _DIGITS.sub("#", text)
    return text[:MAX_QUERY].strip()


def record_page(request, response) -> bool:
    """Count the page `response` answers to `request` when a person saw it. True if counted."""
    try:
        if not visitors.countable_page(request, response):
            return False
        store = get_store()
        day = timezone.localdate()
        salt = store.salt(day)
        visitor = visitors.visitor_hash(
            salt, visitors.client_ip(request), visitors.user_agent(request)
        )
        store.record_hit(
            day=day, visitor=visitor, now=time.time(), path=visitors.page_path(request)
        )
        if isinstance(store, MemoryStore):
            _ensure_memory_flusher(store)
        return True
    except StoreUnavailable:
        return False  # already logged once by the store
    except Exception as exc:
        _warn_once("ghi lượt truy cập", exc)
        return False


def record_search(request, query: str, result_count: int) -> bool:
    """Count one search by a person: its folded query, and whether it found nothing.

    Call it from a search view once per search (the first page of results, not when paging).
    Bots, signed-in staff and HEAD requests are not counted. Never raises."""
    try:
        if request.method == "HEAD" or not visitors.countable_visitor(request):
            return False
        text = normalise_query(query)
        if not text:
            return False
        try:
            zero = int(result_count) <= 0
        except (TypeError, ValueError):
            zero = False
        get_store().record_search(day=timezone.localdate(), query=text, zero=zero)
        return True
    except StoreUnavailable:
        return False
    except Exception as exc:
        _warn_once("ghi lượt tìm kiếm", exc)
        return False


# --------------------------------------------------------------------------- memory store flusher
# The in-process store is invisible to the worker process, so the web process writes its own
# counts to the database from a background thread (never on a request).

_flusher: threading.Thread | None = None
_flusher_store: MemoryStore | None = None
_flusher_lock = threading.Lock()


def _flush_interval() -> float:
    try:
        return float(getattr(settings, "TTHC_VISITS_MEMORY_FLUSH_INTERVAL", 60) or 0)
    except (TypeError, ValueError):
        return 60.0


def _flush_forever(store: MemoryStore, interval: float) -> None:
    """Flush `store` every `interval` seconds for as long as it is the process's store."""
    while True:
        time.sleep(interval)
        if not is_current(store):
            return
        try:
            close_old_connections()
            flush_visits(store=store)
        except Exception as exc:
            _warn_once("ghi số liệu truy cập vào cơ sở dữ liệu", exc)
        finally:
            close_old_connections()


def _running(store: MemoryStore) -> bool:
    return _flusher is not None and _flusher.is_alive() and _flusher_store is store


def _ensure_memory_flusher(store: MemoryStore) -> None:
    global _flusher, _flusher_store
    if _running(store):
        return
    interval = _flush_interval()
    if interval <= 0:
        return
    with _flusher_lock:
        if not _running(store):
            _flusher_store = store
            _flusher = threading.Thread(
                target=_flush_forever,
                args=(store, interval),
                name="tthc-visits-flush",
                daemon=True,
            )
            _flusher.start()


def on_site_searched(
    sender, *, request, query, result_count, first_page: bool | None = None, **kwargs
) -> None:
    """Receiver of the search signals of the apps below (`tthc.core.signals.site_searched`,
    `tthc.catalog.signals.procedure_searched` when it exists): one count per search, on its
    first page of results (`first_page`, else no `trang` parameter beyond 1)."""
    if first_page is None:
        first_page = str(request.GET.get("trang", "") or "1").strip() == "1"
    if first_page:
        record_search(request, query, result_count)
