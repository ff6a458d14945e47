"""The public procedure portal: home, search, procedure page and its print view, field, agency
and life-event pages. Thin views: parse the request, call selectors, render.

Anonymous GETs are cacheable for five minutes by any cache (`public_page`); a signed-in user's
pages are private and not stored. Pages vary on the language and on cookies (the session).
"""

from __future__ import annotations

import unicodedata
from functools import wraps

from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from tthc.catalog import hooks, selectors
from tthc.catalog.documents import document_sections, quantity_text
from tthc.catalog.life_events import LIFE_EVENTS, get_life_event
from tthc.catalog.signals import procedure_searched
from tthc.core.text import fold_words

PAGE_SIZE = 20
PUBLIC_MAX_AGE = 300

LEVEL_LABELS = {
    "ministry": _("Cấp Bộ"),
    "province": _("Cấp Tỉnh"),
    "commune": _("Cấp Xã"),
    "other": _("Cơ quan khác"),
}
ONLINE_LABELS = {
    "full": _("Toàn trình"),
    "partial": _("Một phần"),
    "none": _("Không"),
}
CHANNEL_LABELS = {
    "in_person": _("Trực tiếp"),
    "online": _("Trực tuyến"),
    "postal": _("Dịch vụ bưu chính"),
}
UNIT_LABELS = {
    "working_days": _("ngày làm việc"),
    "days": _("ngày"),
    "hours": _("giờ"),
    "months": _("tháng"),
}
ROLE_LABELS = {
    "competent": _("Cơ quan có thẩm quyền"),
    "implementing": _("Cơ quan thực hiện"),
    "authorised": _("Cơ quan được ủy quyền"),
    "coordinating": _("Cơ quan phối hợp"),
}
STATUS_LABELS = {
    "published": _("Đã công bố"),
    "amended": _("Đã công bố (sửa đổi, bổ sung)"),
    "abolished": _("Đã bãi bỏ"),
}


def public_page(view):
    """Cache headers for the public portal: `public, max-age=300` for anonymous GET/HEAD
    answers, private and not stored for signed-in users; always vary on language and cookies."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        anonymous = not request.user.is_authenticated
        if anonymous and request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return require_safe(wrapped)


# Query parameters of the pages are Vietnamese without diacritics, like every page of the site
# (the API keeps its English names, those of its JSON fields). The English names the search
# used before answer with a permanent redirect, so bookmarks and search engines follow.
ENGLISH_PARAMS = {
    "page": "trang",
    "level": "cap",
    "field": "linh_vuc",
    "agency": "co_quan",
    "online_level": "muc_do",
}


def vietnamese_params(view):
    """301 from a URL with the English query parameters to the same URL with the Vietnamese
    ones (a Vietnamese parameter given too wins)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not any(name in request.GET for name in ENGLISH_PARAMS):
            return view(request, *args, **kwargs)
        params = QueryDict(mutable=True)
        for name, values in request.GET.lists():
            vietnamese = ENGLISH_PARAMS.get(name, name)
            if vietnamese != name and vietnamese in request.GET:
                continue
            params.setlist(vietnamese, values)
        query = params.urlencode()
        return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))

    return wrapped


@csrf_exempt
def set_language(request):
    """Django's `set_language`, without the CSRF check: the language switch is on every public
    page, and a CSRF token there would set a cookie on each answer and defeat the shared caching
    of anonymous pages. Switching the language is not a state change worth protecting."""
    return django_set_language(request)


# --- Highlighting ------------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def highlight(text: str, words: list[str]) -> SafeString:
    """`text` escaped, with every word that starts with one of the folded `words` (the search
    matches prefixes) wrapped in <mark>. Comparison is folded, the original text is kept."""
    if not text or not words:
        return escape(text or "")
    folded_chars: list[str] = []
    origin: list[int] = []  # index in `text` of each folded character
    for index, ch in enumerate(text):
        for folded in _fold_char(ch):
            folded_chars.append(folded)
            origin.append(index)
    folded_text = "".join(folded_chars)
    marked = [False] * len(text)
    for word in set(words):
        start = folded_text.find(word)
        while start != -1:
            at_word_start = start == 0 or not folded_text[start - 1].isalnum()
            if at_word_start:
                end = start + len(word)
                while end < len(folded_text) and folded_text[end].isalnum():
                    end += 1
                for i in range(origin[start], origin[end - 1] + 1):
                    marked[i] = True
            start = folded_text.find(word, start + 1)
    parts: list[str] = []
    index = 0
    while index < len(text):
        end = index
        while end < len(text) and marked[end] == marked[index]:
            end += 1
        chunk = escape(text[index:end])
        parts.append(f"<mark>{chunk}</mark>" if marked[index] else chunk)
        index = end
    return mark_safe("".join(parts))  # every chunk of user or stored text is escaped above


# --- Helpers -----------------------------------------------------------------------------------


def _page(request, queryset, words: list[str] | None = None):
    """One page of procedures, each carrying its display labels (and highlighted name)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))
    for procedure in page.object_list:
        procedure.highlighted_name = highlight(procedure.name, words or [])
        procedure.level_labels = [LEVEL_LABELS.get(x, x) for x in procedure.levels]
        procedure.online_label = ONLINE_LABELS.get(procedure.online_level, "")
    return page


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _canonical_with_page(request, path: str, page) -> str:
    if page.number > 1:
        return _absolute(request, f"{path}?trang={page.number}")
    return _absolute(request, path)


# --- Views -------------------------------------------------------------------------------------


@public_page
def home(request):
    agencies = [a for a in selectors.public_agencies() if a.procedure_count]
    return render(
        request,
        "catalog/public/home.html",
        {
            "fields": selectors.field_list().filter(procedure_count__gt=0),
            "agencies": agencies,
            "life_events": LIFE_EVENTS,
            "canonical_url": _absolute(request, reverse("catalog:home")),
        },
    )


@public_page
@vietnamese_params
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    level = request.GET.get("cap", "")
    level = level if level in LEVEL_LABELS else ""
    online_level = request.GET.get("muc_do", "")
    online_level = online_level if online_level in ONLINE_LABELS else ""
    try:
        field_id = int(request.GET.get("linh_vuc", "") or 0) or None
    except ValueError:
        field_id = None
    agency = request.GET.get("co_quan", "")[:40]
    queryset = selectors.procedure_search(
        q=query, level=level, field=field_id, agency=agency, online_level=online_level
    )
    page = _page(request, queryset, fold_words(query))
    if query:
        procedure_searched.send(
            sender=search,
            request=request,
            query=query,
            result_count=page.paginator.count,
            first_page=request.GET.get("trang", "1") in ("", "1"),
        )
    suggestions = []
    if query and not page.paginator.count:
        suggestions = selectors.procedure_suggestions(query)
    filtered = bool(level or field_id or agency or online_level)
    return render(
        request,
        "catalog/public/search.html",
        {
            "query": query,
            "page": page,
            "suggestions": suggestions,
            "filtered": filtered,
            "selected": {
                "level": level,
                "field": field_id,
                "agency": agency,
                "online_level": online_level,
            },
            "levels": list(LEVEL_LABELS.items())[:3],
            "online_levels": list(ONLINE_LABELS.items()),
            "fields": selectors.field_list().filter(procedure_count__gt=0),
            "agencies": [a for a in selectors.public_agencies() if a.procedure_count],
            "canonical_url": _absolute(request, reverse("catalog:search")),
            "noindex": True,
        },
    )


def _time_text(processing_time: dict) -> str:
    text = (processing_time.get("text") or "").strip()
    unit = processing_time.get("unit", "none")
    if text.replace(".", "").replace(",", "").isdigit() and unit in UNIT_LABELS:
        return f"{text} {UNIT_LABELS[unit]}"
    return text


def _fee_texts(fees: list[dict]) -> list[str]:
    texts = []
    for fee in fees:
        if fee.get("text"):
            texts.append(fee["text"])
        elif fee.get("amount_vnd") is not None:
            texts.append(f"{fee['amount_vnd']:,} đồng".replace(",", "."))
    return texts


def _national_url(version) -> str:
    origin = version.origin or ""
    return origin if origin.startswith(("https://", "http://")) else ""


def _apply_url(procedure, national_url: str) -> tuple[str, bool]:
    """Where "apply online" leads: this site's intake form when an app registered one
    (`tthc.catalog.hooks`), else the national portal's page of the procedure. The flag says
    whether the link leaves the site."""
    if procedure.online_level not in ("full", "partial") or procedure.status == "abolished":
        return "", False
    own = hooks.apply_link(procedure)
    if own:
        return own, False
    return national_url, bool(national_url)


def _procedure_context(request, code: str) -> dict:
    procedure = selectors.procedure_detail(code)
    if procedure is None or procedure.current_version is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    version = procedure.current_version
    data = version.data
    national_url = _national_url(version)
    apply_url, apply_external = _apply_url(procedure, national_url)
    sections = document_sections(data.get("documents", []))
    for section in sections:
        for row in section.documents:
            row["quantity"] = quantity_text(row)
    channels = [
        {
            "label": CHANNEL_LABELS.get(c["channel"], c["channel"]),
            "time": _time_text(c.get("processing_time") or {}),
            "fees": _fee_texts(c.get("fees") or []),
            "description": c.get("description", ""),
        }
        for c in data.get("channels", [])
    ]
    agencies: dict[str, list] = {}
    for link in procedure.agency_links.all():
        agencies.setdefault(link.role, []).append(link.agency)
    agency_roles = [(ROLE_LABELS.get(role, role), items) for role, items in agencies.items()]
    description = _("Thủ tục %(code)s: %(name)s. Trình tự, cách thức, hồ sơ, thời hạn, phí.") % {
        "code": procedure.code,
        "name": procedure.name,
    }
    return {
        "procedure": procedure,
        "version": version,
        "data": data,
        "levels": [LEVEL_LABELS.get(level, level) for level in procedure.levels],
        "online_label": ONLINE_LABELS.get(procedure.online_level, ""),
        "status_label": STATUS_LABELS.get(procedure.status, procedure.status),
        "channels": channels,
        "document_sections": sections,
        "document_notes": data.get("document_notes", []),
        "agency_roles": agency_roles,
        "decisions": selectors.procedure_decisions(procedure),
        "national_url": national_url,
        "apply_url": apply_url,
        "apply_external": apply_external,
        "meta_description": description[:300],
        "canonical_url": _absolute(request, reverse("catalog:procedure", args=[procedure.code])),
    }


@public_page
def procedure(request, code: str):
    return render(request, "catalog/public/procedure.html", _procedure_context(request, code))


@public_page
def procedure_print(request, code: str):
    context = _procedure_context(request, code)
    context["noindex"] = True
    return render(request, "catalog/public/procedure_print.html", context)


@public_page
@vietnamese_params
def field(request, pk: int):
    field = selectors.public_field(pk)
    if field is None:
        raise Http404(_("Không tìm thấy lĩnh vực."))
    page = _page(request, selectors.procedure_list(field=field.pk))
    path = reverse("catalog:field", args=[field.pk])
    return render(
        request,
        "catalog/public/field.html",
        {
            "field": field,
            "page": page,
            "canonical_url": _canonical_with_page(request, path, page),
            "meta_description": _("Các thủ tục hành chính thuộc lĩnh vực %(name)s.")
            % {"name": field.name},
        },
    )


@public_page
def agencies(request):
    return render(
        request,
        "catalog/public/agencies.html",
        {
            "agencies": selectors.public_agencies(),
            "canonical_url": _absolute(request, reverse("catalog:agencies")),
        },
    )


@public_page
@vietnamese_params
def agency(request, code: str):
    agency = selectors.public_agency(code)
    if agency is None:
        raise Http404(_("Không tìm thấy cơ quan."))
    page = _page(request, selectors.procedure_list(agency=agency.code))
    path = reverse("catalog:agency", args=[agency.code])
    return render(
        request,
        "catalog/public/agency.html",
        {
            "agency": agency,
            "page": page,
            "canonical_url": _canonical_with_page(request, path, page),
            "meta_description": _("Địa chỉ, liên hệ và các thủ tục hành chính của %(name)s.")
            % {"name": agency.name},
        },
    )


@public_page
def life_events(request):
    return render(
        request,
        "catalog/public/life_events.html",
        {
            "life_events": LIFE_EVENTS,
            "canonical_url": _absolute(request, reverse("catalog:life-events")),
        },
    )


@public_page
@vietnamese_params
def life_event(request, slug: str):
    event = get_life_event(slug)
    if event is None:
        raise Http404(_("Không tìm thấy sự kiện."))
    page = _page(request, selectors.life_event_procedures(event))
    path = reverse("catalog:life-event", args=[event.slug])
    return render(
        request,
        "catalog/public/life_event.html",
        {
            "event": event,
            "page": page,
            "canonical_url": _canonical_with_page(request, path, page),
            "meta_description": event.description,
        },
    )
