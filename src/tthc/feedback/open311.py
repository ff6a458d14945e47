"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at `/open311/v2/`, so existing
Open311 clients can file and read feedback.

* services = the two categories of DOMAIN §6 (`regulation`, `conduct`), `metadata: false`;
* POST requests: form-encoded as in the spec. Required here: `service_code`, a location
  (`address_string`, `lat` + `long` or `address_id` — the spec's rule; the address is the
  sender's), `description`, a name (`first_name` / `last_name`) and `email` or `phone` (the
  sender must be identified, Decree 20/2008). The same rate limits as the public form (429);
* GET requests / request: status `open` / `closed` (refused or answered). The sender's personal
  data is never returned; `description` and `status_notes` (the answer) only once the answer
  is published — before that a request shows its status only.

Errors use the spec's format: `[{"code": 400, "description": "..."}]` (XML: `<errors><error>`).
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tthc.core import lookupcode
from tthc.core.errors import ApplicationError
from tthc.feedback import abuse, services
from tthc.feedback.models import CLOSED_STATUSES, Category, Channel, Feedback, Status

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
SERVICE_DESCRIPTIONS = {
    Category.REGULATION: "Phản ánh, kiến nghị về quy định hành chính: cơ chế, chính sách, "
    "thủ tục hành chính (Nghị định 20/2008/NĐ-CP).",
    Category.CONDUCT: "Phản ánh, kiến nghị về hành vi hành chính của cán bộ, công chức "
    "trong giải quyết thủ tục hành chính.",
}
# Container and item element names of each XML document (the spec's examples).
XML_NAMES = {
    "discovery": ("discovery", None),
    "services": ("services", "service"),
    "service_definition": ("service_definition", None),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


# --------------------------------------------------------------------------- rendering


def _xml_value(parent: ET.Element, key: str, value) -> None:
    if isinstance(value, list):
        holder = ET.SubElement(parent, key)
        item = key[:-1] if key.endswith("s") else "item"
        for entry in value:
            _xml_value(holder, item, entry)
        return
    element = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(element, k, v)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _render(data, fmt: str, kind: str, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(
            data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    root_name, item_name = XML_NAMES[kind]
    root = ET.Element(root_name)
    if item_name is None:
        for key, value in data.items():
            _xml_value(root, key, value)
    else:
        for entry in data:
            _xml_value(root, item_name, entry)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render([{"code": status, "description": description}], fmt, "errors", status)


def _w3(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# --------------------------------------------------------------------------- endpoints


def discovery(request, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    return _render(
        {
            "changeset": "2025-01-01T00:00:00+07:00",
            "contact": "Văn phòng Ủy ban nhân dân tỉnh — bộ phận tiếp nhận phản ánh, kiến nghị",
            "key_service": (
                _("Gửi yêu cầu cần api_key do Văn phòng UBND tỉnh cấp.")
                if _api_keys()
                else _("Không cần khóa API; số lượng gửi bị giới hạn theo địa chỉ mạng.")
            ),
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": base.rstrip("/"),
                    "changeset": "2025-01-01T00:00:00+07:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        "discovery",
    )


def _services() -> list[dict]:
    return [
        {
            "service_code": category.value,
            "service_name": category.label,
            "description": SERVICE_DESCRIPTIONS[category],
            "metadata": False,
            "type": "realtime",
            "keywords": "phản ánh, kiến nghị, thủ tục hành chính",
            "group": "Phản ánh, kiến nghị",
        }
        for category in Category
    ]


def service_list(request, fmt: str):
    return _render(_services(), fmt, "services")


def service_definition(request, code: str, fmt: str):
    if code not in Category.values:
        return _error(
            fmt, 404, _("Không có dịch vụ (service_code) '%(code)s'.") % {"code": code[:40]}
        )
    return _render({"service_code": code, "attributes": []}, fmt, "service_definition")


def _media_url(request, feedback: Feedback) -> str:
    """The first attachment an officer marked public, once the answer is published."""
    if feedback.status != Status.PUBLISHED:
        return ""
    files = [a for a in feedback.attachments.all() if a.public]
    if not files:
        return ""
    return request.build_absolute_uri(
        reverse("feedback:public-attachment", args=[feedback.code, files[0].pk])
    )


def _request_view(request, feedback: Feedback) -> dict:
    published = feedback.status == Status.PUBLISHED
    return {
        "service_request_id": feedback.code,
        "status": "closed" if feedback.status in CLOSED_STATUSES else "open",
        "status_notes": feedback.answer if published else Status(feedback.status).label,
        "service_name": Category(feedback.category).label,
        "service_code": feedback.category,
        "description": feedback.content if published else "",
        "agency_responsible": feedback.agency.name,
        "service_notice": _("Thời hạn xử lý: 15 ngày làm việc."),
        "requested_datetime": _w3(feedback.submitted_at),
        "updated_datetime": _w3(
            feedback.published_at or feedback.ready_at or feedback.submitted_at
        ),
        "expected_datetime": _w3(feedback.handle_due_at),
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": "",
        "long": "",
        "media_url": _media_url(request, feedback),
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    queryset = (
        Feedback.objects.select_related("agency")
        .prefetch_related("attachments")
        .order_by("-submitted_at", "-id")
    )
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        queryset = queryset.filter(code__in=ids[:MAX_RESULTS])
    else:
        codes = [c for c in params.get("service_code", "").split(",") if c]
        if any(c not in Category.values for c in codes):
            return _error(fmt, 400, _("service_code không hợp lệ."))
        if codes:
            queryset = queryset.filter(category__in=codes)
        statuses = [s for s in params.get("status", "").split(",") if s]
        if any(s not in ("open", "closed") for s in statuses):
            return _error(fmt, 400, _("status phải là open hoặc closed."))
        if statuses == ["open"]:
            queryset = queryset.exclude(status__in=CLOSED_STATUSES)
        elif statuses == ["closed"]:
            queryset = queryset.filter(status__in=CLOSED_STATUSES)
        try:
            start, end = _range(params.get("start_date"), params.get("end_date"))
        except ValueError as exc:
            return _error(fmt, 400, str(exc))
        queryset = queryset.filter(submitted_at__gte=start, submitted_at__lte=end)
    return _render([_request_view(request, f) for f in queryset[:MAX_RESULTS]], fmt, "requests")


def _range(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime]:
    def parse(text: str, name: str) -> datetime:
        value = parse_datetime(text.replace(" ", "+"))
        if value is None:
            raise ValueError(
                _("%(name)s phải theo định dạng W3C, ví dụ 2025-01-01T00:00:00Z.") % {"name": name}
            )
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    end = parse(end_text, "end_date") if end_text else timezone.now()
    start = parse(start_text, "start_date") if start_text else end - MAX_RANGE
    if start > end:
        raise ValueError(_("start_date phải trước end_date."))
    if end - start > MAX_RANGE:
        raise ValueError(_("Khoảng thời gian tìm kiếm không được quá 90 ngày."))
    return start, end


def request_detail(request, code: str, fmt: str):
    feedback = (
        Feedback.objects.select_related("agency")
        .prefetch_related("attachments")
        .filter(code=code.upper()[:32])
        .first()
    )
    if feedback is None:
        return _error(
            fmt, 404, _("Không có yêu cầu (service_request_id) '%(code)s'.") % {"code": code[:40]}
        )
    return _render([_request_view(request, feedback)], fmt, "requests")


def _api_keys() -> set[str]:
    return {k for k in getattr(settings, "TTHC_OPEN311_API_KEYS", ()) or () if k}


def _create(request, fmt: str) -> HttpResponse:
    data = request.POST
    keys = _api_keys()
    if keys:
        # The spec's `api_key`: ignored unless keys are configured, then required to POST.
        given = data.get("api_key", "")
        if not given:
            return _error(fmt, 403, _("Thiếu api_key."))
        if not any(hmac.compare_digest(given, key) for key in keys):
            return _error(fmt, 403, _("api_key không hợp lệ."))
    code = data.get("service_code", "").strip()
    if not code:
        return _error(fmt, 400, _("Thiếu service_code."))
    if code not in Category.values:
        return _error(
            fmt, 400, _("Không có dịch vụ (service_code) '%(code)s'.") % {"code": code[:40]}
        )
    address = data.get("address_string", "").strip()
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if not address and not (lat and lon) and not data.get("address_id", "").strip():
        return _error(fmt, 400, _("Cần vị trí: address_string, hoặc lat và long, hoặc address_id."))
    if not address:
        address = data.get("address_id", "").strip() or f"{lat}, {lon}"
    description = data.get("description", "").strip()
    if not description:
        return _error(fmt, 400, _("Thiếu description (nội dung phản ánh, kiến nghị)."))
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p).strip()
    if not name:
        return _error(fmt, 400, _("Cần first_name hoặc last_name: người gửi phải được xác định."))
    title = data.get("attribute[title]", "").strip() or description.split("\n")[0][:120]
    if len(title) < services.TITLE_MIN:
        title = f"Phản ánh: {title}"
    try:
        feedback = services.submit(
            data=services.FeedbackInput(
                category=code,
                title=title,
                content=description,
                sender_name=name,
                sender_address=address,
                sender_phone=data.get("phone", ""),
                sender_email=data.get("email", ""),
                procedure_code=data.get("attribute[procedure_code]", ""),
                dossier_code=data.get("attribute[dossier_code]", ""),
            ),
            channel=Channel.API,
            ip=abuse.client_ip(request),
        )
    except ApplicationError as exc:
        status = exc.status if exc.status == 429 else 400
        return _error(fmt, status, exc.message)
    return _render(
        [
            {
                "service_request_id": feedback.code,
                # The lookup secret goes to the sender through the client (and by e-mail /
                # SMS); the Open311 reads never need it and never show personal data.
                "service_notice": _(
                    "Đã nhận. Cơ quan có thẩm quyền tiếp nhận hoặc từ chối trong 2 "
                    "ngày làm việc và trả lời trong 15 ngày làm việc. Mã tra cứu (giữ riêng, "
                    "tra cứu tại /phan-anh/tra-cuu/ cùng mã phản ánh): %(secret)s."
                )
                % {"secret": lookupcode.display(feedback.lookup_secret)},
                "account_id": None,
            }
        ],
        fmt,
        "requests",
    )


FMT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    re_path(rf"^discovery{FMT}$", discovery, name="open311-discovery"),
    re_path(rf"^services{FMT}$", service_list, name="open311-services"),
    re_path(rf"^services/(?P<code>[\w\-]+){FMT}$", service_definition, name="open311-service"),
    re_path(rf"^requests{FMT}$", requests_view, name="open311-requests"),
    re_path(rf"^requests/(?P<code>[\w\-]+){FMT}$", request_detail, name="open311-request"),
]
