"""Signals the content app sends, so the apps above it can react without content importing
them."""

from django.dispatch import Signal

# Sent after each site search with `request`, `query` (as typed) and `result_count`. The
# visitor statistics connect to it; the search itself records nothing.
site_searched = Signal()
