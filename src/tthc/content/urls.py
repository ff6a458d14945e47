from django.urls import path

from tthc.content import feeds, views

app_name = "content"

urlpatterns = [
    path("tim-kiem-tin/", views.search, name="search"),
    path("tin-tuc/rss.xml", feeds.NewsFeed(), name="rss"),
    path("tin-tuc/atom.xml", feeds.NewsAtomFeed(), name="atom"),
]
