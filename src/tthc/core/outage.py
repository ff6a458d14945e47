"""503 while the database is unreachable (PostgreSQL restarting, the network to it cut).

Every request that meets a database `OperationalError` or `InterfaceError` (connection refused,
server closed the connection, …) answers **503** with a Vietnamese message and `Retry-After`:
JSON `{"detail", "code": "service_unavailable"}` under `/api/`, the page `503.html` elsewhere.
Nothing is half-written: every write runs in a transaction the database rolls back.

Where the error can surface, and who answers:

- in a view of the API: the django-ninja exception handler (`tthc.api`);
- in any other view or while its template renders: `DatabaseOutageMiddleware.process_exception`;
- in a middleware (the session or the signed-in user read before the view) or while a response
  is finished (the session saved): Django has already turned the error into a 500 by then, so
  the `got_request_exception` signal marks the request and the middleware swaps that 500 for
  the 503 (with DEBUG on or off).

Recovery needs no person: Django drops a connection that saw such an error once the request ends
(`close_old_connections` checks `errors_occurred`, then `is_usable()`), and `CONN_HEALTH_CHECKS`
(settings) tests a kept connection before the next request uses it, so the first request after
the database is back opens a fresh connection.

The page is rendered without the request's context processors (they read the database: the
province's name, the signed-in user) and without `base.html` (its footer counts visitors).
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger("tthc.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
CODE = "service_unavailable"
_MARK = "_tthc_database_error"


def message() -> str:
    return _(
        "Hệ thống đang tạm gián đoạn kết nối cơ sở dữ liệu, vui lòng thử lại sau ít phút. "
        "Các hồ sơ và dữ liệu đã gửi trước đó vẫn được giữ nguyên."
    )


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def outage_response(request, exc: BaseException | None = None) -> HttpResponse:
    """The 503 answer: JSON under /api/, the Vietnamese page elsewhere; `Retry-After`."""
    logger.error(
        "Cơ sở dữ liệu không truy cập được (%s): %s %s",
        type(exc).__name__ if exc else "?",
        request.method,
        request.path,
        exc_info=exc,
    )
    text = message()
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": text, "code": CODE}, status=503)
    else:
        html = render_to_string("503.html", {"message": text, "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _remember(sender, request=None, **kwargs) -> None:
    """`got_request_exception`: note a database error on the request (the 500 becomes a 503)."""
    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_remember, dispatch_uid="tthc.core.outage.remember")


class DatabaseOutageMiddleware:
    """Put it after the security and CSP middleware (their headers go on the 503 too) and
    before everything that reads the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and response.status_code == 500:
            return outage_response(request, exc)
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
