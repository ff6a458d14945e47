"""Signals every app may send, so the apps above them can react without being imported.

`site_searched`: sent after each search of the portal's pages (the content app's site search)
with `request`, `query` (as typed) and `result_count`. The visitor statistics (metrics) connect
to it; content sits beside metrics, not below it, so the signal lives here, where both reach.
The catalog's own `tthc.catalog.signals.procedure_searched` is below metrics already."""

from django.dispatch import Signal

site_searched = Signal()
