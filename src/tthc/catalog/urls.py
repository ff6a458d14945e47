"""Catalog URLs, one module per area so each stays small: the public portal, the posting
sheets (niêm yết) and catalog management for the procedure-control office."""

from tthc.catalog.urls_manage import urlpatterns as manage
from tthc.catalog.urls_posting import urlpatterns as posting
from tthc.catalog.urls_public import urlpatterns as public

app_name = "catalog"

urlpatterns = [*public, *posting, *manage]
