"""Reads of the portal's content outside its pages: the feeds' latest articles and the site
search. (The lists the pages themselves draw are in `tthc.content.listings`.)"""

from __future__ import annotations

from wagtail.models import Page

from tthc.content.models import ArticlePage, EventPage, StandardPage
from tthc.core.text import fold_words

SEARCH_PAGE_SIZE = 10
SEARCH_MAX_LENGTH = 200


def latest_articles(limit: int = 20):
    """The live public articles, newest first (feeds)."""
    articles = ArticlePage.objects.live().public().prefetch_related("tags")
    return articles.order_by("-first_published_at", "-pk")[:limit]


def search_pages(query: str):
    """Live public articles, events and standard pages matching every word of `query`; both
    sides are folded (the pages index their folded text), so diacritics and case do not
    matter."""
    words = fold_words(query[:SEARCH_MAX_LENGTH])
    if not words:
        return Page.objects.none()
    pages = Page.objects.live().public().type(ArticlePage, EventPage, StandardPage).specific()
    return pages.search(" ".join(words), operator="and")
