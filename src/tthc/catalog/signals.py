"""Signals the catalog sends, so the apps above it can react without the catalog importing them."""

from django.dispatch import Signal

# Sent after each public procedure search with `request`, `query` (as typed), `result_count` and
# `first_page`. The visitor statistics count searches and searches without a result.
procedure_searched = Signal()
