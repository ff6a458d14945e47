"""The Wagtail pages in the project's `/sitemap.xml` (live, public pages of the default site)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6
    limit = 5000

    def items(self):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            return Page.objects.none()
        return (
            site.root_page.get_descendants(inclusive=True)
            .live()
            .public()
            .only("id", "url_path", "last_published_at", "path", "depth")
            .order_by("path")
        )

    def location(self, item):
        _site_id, _root_url, path = item.get_url_parts()
        return path

    def lastmod(self, item):
        return item.last_published_at
