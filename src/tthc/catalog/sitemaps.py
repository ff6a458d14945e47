"""`/sitemap.xml`: the public portal's pages (django.contrib.sitemaps; the domain comes from the
request, no Sites framework needed). Abolished procedures stay readable but are not listed."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Count
from django.urls import reverse

from tthc.catalog.life_events import LIFE_EVENTS
from tthc.catalog.models import Field, Procedure, Status
from tthc.org.models import Agency


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["catalog:home", "catalog:life-events", "catalog:agencies"]

    def location(self, item):
        return reverse(item)


class ProcedureSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 5000

    def items(self):
        return (
            Procedure.objects.exclude(status=Status.ABOLISHED)
            .only("code", "updated_at")
            .order_by("code")
        )

    def location(self, item):
        return reverse("catalog:procedure", args=[item.code])

    def lastmod(self, item):
        return item.updated_at


class FieldSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return (
            Field.objects.annotate(n=Count("procedures")).filter(n__gt=0).only("id").order_by("id")
        )

    def location(self, item):
        return reverse("catalog:field", args=[item.pk])


class AgencySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Agency.objects.filter(is_active=True).only("code").order_by("code")

    def location(self, item):
        return reverse("catalog:agency", args=[item.code])


class LifeEventSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return [event.slug for event in LIFE_EVENTS]

    def location(self, item):
        return reverse("catalog:life-event", args=[item])


SITEMAPS = {
    "pages": StaticSitemap,
    "life-events": LifeEventSitemap,
    "procedures": ProcedureSitemap,
    "fields": FieldSitemap,
    "agencies": AgencySitemap,
}
