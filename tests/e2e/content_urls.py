"""The project's URLs plus the media files (the live test server runs without DEBUG, which is
when `tthc.urls` would add them): the browser tests must see the uploaded images."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from tthc.urls import urlpatterns as project_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *project_urlpatterns]
