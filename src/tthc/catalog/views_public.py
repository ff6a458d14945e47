from django.shortcuts import render

from tthc.catalog import selectors


def home(request):
    query = request.GET.get("q", "")
    procedures = selectors.procedure_list(q=query)[:20] if query else []
    return render(
        request,
        "catalog/home.html",
        {"query": query, "procedures": procedures, "fields": selectors.field_list()},
    )
