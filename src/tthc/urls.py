from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from tthc.api import api
from tthc.catalog.sitemaps import SITEMAPS
from tthc.content.sitemaps import PageSitemap
from tthc.core.views import health
from tthc.org import twofactor

urlpatterns = [
    path("healthz", health, name="health"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="core/login.html"),
        name="login",
    ),
    path("dang-nhap/ma-xac-thuc/", twofactor.verify_code, name="verify-code"),
    path("dang-nhap/xac-thuc-hai-buoc/", twofactor.enrol_totp, name="enrol-totp"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "sitemap.xml", sitemap, {"sitemaps": {**SITEMAPS, "content": PageSitemap}}, name="sitemap"
    ),
    path("", include("tthc.org.urls")),
    path("", include("tthc.workdays.urls")),
    path("", include("tthc.dossiers.urls")),
    path("", include("tthc.feedback.urls")),
    path("", include("tthc.simplification.urls")),
    path("", include("tthc.catalog.urls")),
    path("", include("tthc.plans.urls")),
    path("", include("tthc.metrics.urls")),
    path("bien-tap/", include(wagtailadmin_urls)),
    path("tai-lieu/", include(wagtaildocs_urls)),
    path("", include("tthc.content.urls")),
    # Wagtail serves the home page, news, events and standard pages: last, it catches the rest.
    path("", include(wagtail_urls)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A request Django cannot read (tthc.core.middleware.UnreadableRequestMiddleware answers most).
handler400 = "tthc.core.views.bad_request"
