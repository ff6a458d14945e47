"""The site search over the portal's live pages (news, events, standard pages). Thin: parse,
ask the selector, paginate, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tthc.content import selectors
from tthc.core.signals import site_searched
from tthc.core.text import normalize_space


@require_safe
def search(request):
    query = normalize_space(request.GET.get("q", ""))[: selectors.SEARCH_MAX_LENGTH]
    results = selectors.search_pages(query)
    page = Paginator(results, selectors.SEARCH_PAGE_SIZE).get_page(request.GET.get("trang"))
    if query:
        site_searched.send(
            sender=search, request=request, query=query, result_count=page.paginator.count
        )
    rows = [(result, result.specific_class.get_verbose_name()) for result in page.object_list]
    return render(
        request,
        "content/search.html",
        {"query": query, "page": page, "rows": rows, "noindex": True},
    )
