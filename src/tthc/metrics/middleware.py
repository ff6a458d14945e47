"""Counts the public pages people see (docs/metrics.md). Last in `MIDDLEWARE`, so it sees the
final answer; it touches only the live store (Redis or memory), never the database, and never
changes nor breaks the response."""

from tthc.metrics.recorder import record_page


class VisitCountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        record_page(request, response)  # never raises
        return response
