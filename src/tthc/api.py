"""The HTTP API under /api/v1/ (django-ninja). OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from tthc.catalog.api import router as catalog_router
from tthc.core.errors import ApplicationError
from tthc.dossiers.api import router as dossiers_router
from tthc.dossiers.staff_api import router as dossiers_staff_router
from tthc.feedback.api import router as feedback_router
from tthc.workdays.api import router as workdays_router

api = NinjaAPI(
    title="TTHC — API kiểm soát thủ tục hành chính và một cửa điện tử",
    version="1.0.0",
    description=(
        "Danh mục thủ tục hành chính, lịch làm việc và thời hạn giải quyết. "
        'Lỗi trả về dạng `{"detail": ..., "code": ...}` với mã 4xx.'
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
        {"detail": "Tham số không hợp lệ.", "code": "invalid", "errors": exc.errors},
        status=422,
    )


api.add_router("/", catalog_router)
api.add_router("/workdays/", workdays_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/staff/", dossiers_staff_router)
api.add_router("/", "tthc.simplification.api.router")
