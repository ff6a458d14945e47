"""RSS and Atom feeds of live articles; Wagtail pages in the project's sitemap."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_lists_live_articles_only_with_absolute_links(client, make_article):
    make_article(title="Tin đã đăng", summary="Tóm tắt tin đã đăng.", tags=["một cửa"])
    make_article(title="Bản nháp", publish=False)

    response = client.get("/tin-tuc/rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Tin đã đăng"]
    assert items[0].findtext("link").startswith("http://testserver/tin-tuc/tin-bai-")
    assert items[0].findtext("description") == "Tóm tắt tin đã đăng."
    assert {c.text for c in items[0].findall("category")} >= {"một cửa"}
    assert channel.findtext("link") == "http://testserver/tin-tuc/"


def test_atom_feed_is_valid_and_lists_live_articles(client, make_article):
    make_article(title="Tin Atom")
    make_article(title="Nháp Atom", publish=False)
    response = client.get("/tin-tuc/atom.xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Tin Atom"]


def test_unpublished_article_leaves_the_feed(client, make_article):
    article = make_article(title="Tin sẽ gỡ")
    article.unpublish()
    assert b"Tin s\xe1\xba\xbd g\xe1\xbb\xa1" not in client.get("/tin-tuc/rss.xml").content


def test_news_pages_announce_the_feeds(client, site):
    html = client.get("/tin-tuc/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/tin-tuc/rss.xml"' in html and 'href="/tin-tuc/atom.xml"' in html


def test_sitemap_includes_live_pages_and_keeps_the_catalog(client, make_article, make_event):
    article = make_article(title="Tin trong sơ đồ trang")
    draft = make_article(title="Nháp không có trong sơ đồ", publish=False)
    event = make_event()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert f"http://testserver{article.url}" in locations
    assert f"http://testserver{event.url}" in locations
    assert "http://testserver/" in locations
    assert "http://testserver/tin-tuc/" in locations
    assert f"http://testserver/tin-tuc/{draft.slug}/" not in locations
    assert "http://testserver/thu-tuc/" in locations  # the catalog's own entries are still there
