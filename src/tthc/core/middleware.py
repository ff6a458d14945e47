import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tthc.core import revisions


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose another language with the switch (cookie).

    The browser's Accept-Language is ignored on purpose: many people in Vietnam use browsers set
    to English, and a public-service site must not change language behind their back.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Requests Django cannot read: a malformed multipart body, more parameters than
# DATA_UPLOAD_MAX_NUMBER_FIELDS, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a connection cut while
# the body was read.
UNREADABLE = (SuspiciousOperation, MultiPartParserError, BadRequest, UnreadablePostError)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BODYLESS_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class UnreadableRequestMiddleware:
    """Read the query string and the body up front, and answer 400 when Django cannot: JSON
    `{"detail", "code"}` under /api/, the Vietnamese error page elsewhere, with DEBUG on or off.

    Django reads both lazily, so without this the exception surfaces wherever a middleware or a
    view first touches `request.GET` / `request.POST` (django-ninja turns it into a 500 with
    DEBUG on; a view's own `except` may swallow it). After this middleware, both are parsed.
    Exceptions of the same kinds raised later by a view get the same answer (`process_exception`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.GET  # noqa: B018 - parse now
            if request.method not in BODYLESS_METHODS:
                if request.content_type in FORM_TYPES:
                    request.POST  # noqa: B018
                    request.FILES  # noqa: B018
                else:
                    request.body  # noqa: B018 - checks DATA_UPLOAD_MAX_MEMORY_SIZE
        except UNREADABLE as exc:
            return unreadable_response(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNREADABLE) and not isinstance(exception, DisallowedHost):
            return unreadable_response(request, exception)
        return None


def _problem(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, RequestDataTooBig):
        return "request_too_large", _("Nội dung gửi lên vượt quá dung lượng cho phép.")
    if isinstance(exc, TooManyFieldsSent):
        return "too_many_fields", _("Yêu cầu có quá nhiều tham số hoặc trường dữ liệu.")
    if isinstance(exc, TooManyFilesSent):
        return "too_many_files", _("Yêu cầu có quá nhiều tệp đính kèm.")
    if isinstance(exc, (MultiPartParserError, UnreadablePostError)):
        return "malformed_body", _(
            "Không đọc được nội dung gửi lên: dữ liệu bị lỗi hoặc không đầy đủ."
        )
    return "bad_request", _("Yêu cầu không hợp lệ.")


def unreadable_response(request, exc: Exception) -> HttpResponse:
    """The 400 answer to a request that cannot be read (also Django's `handler400`)."""
    code, message = _problem(exc)
    logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(
        "Bad request (%s): %s", code, request.path
    )
    # What could not be parsed must not be parsed again while the answer is rendered.
    request.GET = QueryDict()
    mark = getattr(request, "_mark_post_parse_error", None)
    if mark is not None:
        mark()
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=400)
    context = {"message": message, "code": code}
    try:
        return render(request, "400.html", context, status=400)
    except Exception:  # a broken page must not turn a 400 into a 500
        logging.getLogger("tthc").exception("the 400 page failed to render")
        html = render_to_string("core/400_minimal.html", context)
        return HttpResponse(html, status=400)


class RevisionScopeMiddleware:
    """One read of the data's revisions per request (`tthc.core.revisions.request_scope`):
    what the process keeps is checked once, not at each use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with revisions.request_scope():
            return self.get_response(request)
