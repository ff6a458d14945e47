"""Views shared by the whole site."""

from django.http import JsonResponse


def health(request):
    """Liveness probe for load balancers: answers without touching the database."""
    return JsonResponse({"status": "ok"})
