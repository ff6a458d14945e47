"""The lists the portal's pages draw: the home page's blocks, the news and event lists (filtered,
paginated, with a flat number of queries whatever the page size), an article's related
procedures and the side columns.

Each function reads the querysets or the page its caller gives it (the pages' `get_context` in
`tthc.content.models`), so this module imports no page model and the models import no
selector."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from tthc.content.choices import Category, EventKind

if TYPE_CHECKING:
    from tthc.catalog.models import Procedure
    from tthc.content.models import ArticlePage, EventIndexPage, EventPage, NewsIndexPage

NEWS_PAGE_SIZE = 10
EVENTS_PAGE_SIZE = 10
HOME_FEATURED = 3
HOME_LATEST = 6
HOME_EVENTS = 3


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


def with_cards(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """What an article card shows (lead image and its renditions, tags), in two extra queries
    per list instead of several per article."""
    return articles.select_related("lead_image").prefetch_related("lead_image__renditions", "tags")


def newest_first(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    return articles.order_by("-date", "-first_published_at", "-pk")


def home_blocks(
    *,
    articles: QuerySet[ArticlePage],
    events: QuerySet[EventPage],
    news_index: NewsIndexPage | None,
    events_index: EventIndexPage | None,
) -> dict:
    """The home page's blocks from its live public `articles` and `events`."""
    articles = newest_first(articles)
    featured = list(with_cards(articles.filter(featured=True))[:HOME_FEATURED])
    if not featured:
        featured = list(with_cards(articles)[:1])
    latest = list(with_cards(articles.exclude(pk__in=[a.pk for a in featured]))[:HOME_LATEST])
    now = timezone.now()
    upcoming = list(events.filter(end_at__gte=now).order_by("start_at")[:HOME_EVENTS])
    if not upcoming:
        upcoming = list(events.order_by("-start_at")[:HOME_EVENTS])
    return {
        "featured": featured,
        "latest": latest,
        "events": upcoming,
        "now": now,
        "news_index": news_index,
        "events_index": events_index,
    }


def news_listing(
    articles: QuerySet[ArticlePage], *, category: str = "", tag: str = "", page_number=None
) -> Listing:
    """A page of a news index's live public `articles`, filtered by category and tag."""
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
    page = Paginator(with_cards(newest_first(articles)), NEWS_PAGE_SIZE).get_page(page_number)
    return Listing(
        page=page,
        filters={"chuyen-muc": category, "the": tag},
        labels=labels,
        error=error,
        status=status,
    )


def event_listing(events: QuerySet[EventPage], *, kind: str = "", page_number=None) -> Listing:
    """A page of an event index's live public `events`, filtered by kind."""
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


def more_articles(
    article: ArticlePage, *, articles: QuerySet[ArticlePage], limit: int = 4
) -> list[ArticlePage]:
    """Other live public `articles` of the same category, newest first (the article page's
    side column)."""
    others = articles.filter(category=article.category).exclude(pk=article.pk)
    return list(newest_first(others)[:limit])


def other_events(
    event: EventPage, *, events: QuerySet[EventPage], limit: int = 4
) -> list[EventPage]:
    """The next of the live public `events` (or the latest, when none is coming), without
    `event` itself."""
    events = events.exclude(pk=event.pk)
    upcoming = list(events.filter(end_at__gte=timezone.now()).order_by("start_at")[:limit])
    return upcoming or list(events.order_by("-start_at")[:limit])
