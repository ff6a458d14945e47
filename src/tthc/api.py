"""The HTTP API under /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tthc.catalog.api import router as catalog_router
from tthc.core.errors import ApplicationError
from tthc.core.middleware import UNREADABLE, unreadable_response
from tthc.core.outage import DATABASE_ERRORS, outage_response
from tthc.dossiers.api import router as dossiers_router
from tthc.feedback.api import router as feedback_router
from tthc.metrics.api import router as metrics_router
from tthc.simplification.api import router as simplification_router
from tthc.workdays.api import router as workdays_router

api = NinjaAPI(
    title="TTHC — API kiểm soát thủ tục hành chính và một cửa điện tử",
    version="1.0.0",
    description=(
        "Danh mục thủ tục hành chính, lịch làm việc và thời hạn giải quyết. "
        'Lỗi trả về dạng `{"detail": ..., "code": ...}` với mã 4xx; 503 '
        "(`service_unavailable`, kèm `Retry-After`) khi cơ sở dữ liệu tạm không truy cập được."
    ),
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    body = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    return api.create_response(
        request,
        {"detail": _("Tham số không hợp lệ."), "code": "invalid", "errors": _plain(exc.errors)},
        status=422,
    )


def _plain(errors: list[dict]) -> list[dict]:
    """pydantic's errors with their `ctx` and `input` made JSON (an exception, a huge input)."""
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors
    ]


# django-ninja's own answers (`{"detail": "Unauthorized"}`, "CSRF check Failed", "Cannot parse
# request body", Http404) follow the one error shape, in Vietnamese.
@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    status = exc.status_code
    if isinstance(exc, AuthenticationError) or status == 401:
        body = {"detail": _("Bạn cần đăng nhập."), "code": "not_authenticated"}
    elif status == 403 and "csrf" in str(exc).lower():
        body = {
            "detail": _("Thiếu hoặc sai mã chống giả mạo (CSRF). Vui lòng tải lại trang."),
            "code": "csrf_failed",
        }
    elif status == 400:
        body = {
            "detail": _("Không đọc được nội dung gửi lên: dữ liệu bị lỗi hoặc không đầy đủ."),
            "code": "malformed_body",
        }
    elif status == 403:
        body = {"detail": _("Bạn không có quyền thực hiện thao tác này."), "code": "forbidden"}
    else:
        body = {"detail": _("Yêu cầu không hợp lệ."), "code": "invalid"}
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return api.create_response(
        request, {"detail": _("Không tìm thấy."), "code": "not_found"}, status=404
    )


# The database unreachable (a restart, the network cut): 503, Vietnamese message, Retry-After.
def database_unavailable(request, exc: Exception):
    return outage_response(request, exc)


for _kind in DATABASE_ERRORS:
    api.add_exception_handler(_kind, database_unavailable)


def unreadable(request, exc: Exception):
    return unreadable_response(request, exc)


for _kind in UNREADABLE:
    api.add_exception_handler(_kind, unreadable)


api.add_router("/", catalog_router)
api.add_router("/workdays/", workdays_router)
api.add_router("/", dossiers_router)  # /dossiers (public) and /staff/ (staff)
api.add_router("/feedback/", feedback_router)
api.add_router("/", simplification_router)
api.add_router("/", metrics_router)
