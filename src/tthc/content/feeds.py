"""RSS 2.0 and Atom feeds of the live public articles (Django's syndication framework)."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tthc.content import selectors
from tthc.content.models import Category, NewsIndexPage

FEED_ITEMS = 20


class NewsFeed(Feed):
    title = _("Tin tức — Cổng thông tin kiểm soát thủ tục hành chính")
    description = _(
        "Tin bài mới về kiểm soát thủ tục hành chính, cải cách hành chính, một cửa và dịch vụ "
        "công trực tuyến."
    )

    def get_object(self, request, *args, **kwargs):
        return NewsIndexPage.objects.live().first()

    def link(self, obj):
        return obj.get_url() if obj else "/"

    def items(self, obj):
        return selectors.latest_articles(FEED_ITEMS)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_pubdate(self, item):
        published = datetime.combine(item.date, time(7, 0))
        return timezone.make_aware(published) if timezone.is_naive(published) else published

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [Category(item.category).label, *(tag.name for tag in item.tags.all())]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
