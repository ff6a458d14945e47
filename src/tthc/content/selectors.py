"""Reads for the portal's pages: the home page's blocks, the news and event lists (filtered,
paginated, with a flat number of queries whatever the page size), related procedures and the
site search."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.models import Page

from tthc.catalog.models import Procedure
from tthc.content.models import (
    EVENTS_PAGE_SIZE,
    NEWS_PAGE_SIZE,
    ArticlePage,
    Category,
    EventIndexPage,
    EventKind,
    EventPage,
    NewsIndexPage,
    StandardPage,
)
from tthc.core.text import fold_words

HOME_FEATURED = 3
HOME_LATEST = 6
HOME_EVENTS = 3
SEARCH_PAGE_SIZE = 10
SEARCH_MAX_LENGTH = 200


@dataclass
class Listing:
    """One page of a filtered list, with what the template needs to draw the filters, the
    pager and, when a filter was not understood, the message (and the 4xx status)."""

    page: PaginatorPage
    filters: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    error: str = ""
    status: int = 200

    def url_for(self, page_number: int) -> str:
        params = {k: v for k, v in self.filters.items() if v}
        if page_number > 1:
            params["trang"] = page_number
        return "?" + urlencode(params) if params else "?"

    @property
    def previous_url(self) -> str:
        return self.url_for(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url_for(self.page.next_page_number()) if self.page.has_next() else ""


def _live_articles():
    return ArticlePage.objects.live().public()


def _with_cards(articles):
    """What an article card shows (lead image and its renditions, tags), in two extra queries
    per list instead of several per article."""
    return articles.select_related("lead_image").prefetch_related("lead_image__renditions", "tags")


def home_blocks() -> dict:
    articles = _live_articles().order_by("-date", "-first_published_at", "-pk")
    featured = list(_with_cards(articles.filter(featured=True))[:HOME_FEATURED])
    if not featured:
        featured = list(_with_cards(articles)[:1])
    latest = list(_with_cards(articles.exclude(pk__in=[a.pk for a in featured]))[:HOME_LATEST])
    now = timezone.now()
    events = EventPage.objects.live().public()
    upcoming = list(events.filter(end_at__gte=now).order_by("start_at")[:HOME_EVENTS])
    if not upcoming:
        upcoming = list(events.order_by("-start_at")[:HOME_EVENTS])
    return {
        "featured": featured,
        "latest": latest,
        "events": upcoming,
        "now": now,
        "news_index": NewsIndexPage.objects.live().first(),
        "events_index": EventIndexPage.objects.live().first(),
    }


def news_listing(
    index: NewsIndexPage, *, category: str = "", tag: str = "", page_number=None
) -> Listing:
    articles = _live_articles().child_of(index)
    error, status = "", 200
    labels: dict[str, str] = {}
    category = category.strip()[:60]
    tag = tag.strip()[:100]
    if category:
        if category in Category.values:
            articles = articles.filter(category=category)
            labels["category"] = Category(category).label
        else:
            error, status = (
                _("Không có chuyên mục “%(value)s”. Hãy chọn một chuyên mục trong danh sách.")
                % {"value": category},
                400,
            )
            category = ""
    if tag:
        found = Tag.objects.filter(slug=tag).first()
        if found is None:
            error, status = (
                _("Không có thẻ “%(value)s”. Hãy chọn một thẻ trong các tin bài.") % {"value": tag},
                404,
            )
            tag = ""
        else:
            articles = articles.filter(tagged_items__tag=found)
            labels["tag"] = found.name
    articles = _with_cards(articles.order_by("-date", "-first_published_at", "-pk"))
    page = Paginator(articles, NEWS_PAGE_SIZE).get_page(page_number)
    return Listing(
        page=page,
        filters={"chuyen-muc": category, "the": tag},
        labels=labels,
        error=error,
        status=status,
    )


def event_listing(index: EventIndexPage, *, kind: str = "", page_number=None) -> Listing:
    events = EventPage.objects.live().public().child_of(index)
    error, status = "", 200
    labels: dict[str, str] = {}
    kind = kind.strip()[:40]
    if kind:
        if kind in EventKind.values:
            events = events.filter(kind=kind)
            labels["kind"] = EventKind(kind).label
        else:
            error, status = (
                _("Không có loại sự kiện “%(value)s”. Hãy chọn một loại trong danh sách.")
                % {"value": kind},
                400,
            )
            kind = ""
    page = Paginator(events.order_by("-start_at", "-pk"), EVENTS_PAGE_SIZE).get_page(page_number)
    return Listing(page=page, filters={"loai": kind}, labels=labels, error=error, status=status)


def related_procedures(article: ArticlePage) -> list[Procedure]:
    return [link.procedure for link in article.related_procedures.select_related("procedure")]


def more_articles(article: ArticlePage, limit: int = 4) -> list[ArticlePage]:
    """Other articles of the same category, newest first (the article page's side column)."""
    others = _live_articles().filter(category=article.category).exclude(pk=article.pk)
    return list(others.order_by("-date", "-first_published_at", "-pk")[:limit])


def other_events(event: EventPage, limit: int = 4) -> list[EventPage]:
    """The next events (or the latest, when none is coming), without `event` itself."""
    events = EventPage.objects.live().public().exclude(pk=event.pk)
    upcoming = list(events.filter(end_at__gte=timezone.now()).order_by("start_at")[:limit])
    return upcoming or list(events.order_by("-start_at")[:limit])


def latest_articles(limit: int = 20):
    """The live public articles, newest first (feeds)."""
    return _live_articles().prefetch_related("tags").order_by("-first_published_at", "-pk")[:limit]


def search_pages(query: str):
    """Live public articles, events and standard pages matching every word of `query`; both
    sides are folded (the pages index their folded text), so diacritics and case do not
    matter."""
    words = fold_words(query[:SEARCH_MAX_LENGTH])
    if not words:
        return Page.objects.none()
    pages = Page.objects.live().public().type(ArticlePage, EventPage, StandardPage).specific()
    return pages.search(" ".join(words), operator="and")
