"""Views shared by the whole site."""

from django.http import JsonResponse

from tthc.core.middleware import unreadable_response


def health(request):
    """Liveness probe for load balancers: answers without touching the database."""
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    """`handler400`: the same answer as `UnreadableRequestMiddleware` (JSON under /api/)."""
    return unreadable_response(request, exception or Exception())
