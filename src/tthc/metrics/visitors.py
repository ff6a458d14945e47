"""Who is a visitor, and which requests count (docs/metrics.md).

A visitor is `HMAC-SHA256(daily salt, client address + "\\n" + user agent)`, truncated to 16 hex
digits (64 bits). The salt is random, one per calendar day (Asia/Ho_Chi_Minh), and lives only in
the live store (Redis or this process's memory) for about two days: hashes of two different days
cannot be linked, and neither the address nor the user agent is ever stored.

Bots are recognised by their user agent with one documented regular expression (below), not a
library: the generic words (`bot`, `crawl`, `spider`, ...) catch the long tail, the named
clients catch the tools that don't say so, and a user agent that doesn't start like a browser's
(`Mozilla/` or `Opera/`) is not a browser. We looked at `crawlerdetect` and
`crawler-user-agents` (PyPI): hundreds of patterns and a dependency to follow, for a footer
counter whose error is already dominated by proxies and shared addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

from tthc.core.clientip import client_ip

__all__ = ["client_ip", "is_bot", "user_agent", "visitor_hash"]

MAX_UA = 1024
MAX_PATH = 255

# Crawlers, link-preview fetchers, monitors, HTTP libraries and headless browsers. Human browsers
# that merely carry a brand stay counted: the Zalo and Facebook in-app browsers ("Zalo",
# "FBAN/FBAV") and the Cốc Cốc browser ("coc_coc_browser") are people; their crawlers are not
# ("coccocbot", "facebookexternalhit", "Zalo...bot").
BOT_PATTERN = re.compile(
    r"(?<!cu)bot\b|bot[/_\-;)]|robot|crawl|spider|slurp|scrap|archiv|"
    r"coccocbot|zalobot|zalo-?link|facebookexternalhit|facebookcatalog|meta-external|"
    r"bingpreview|mediapartners|adsbot|google-(?:inspectiontool|read-aloud|site-verification)|"
    r"googleother|yandex|baiduspider|sogou|exabot|ia_archiver|petalbot|semrush|ahrefs|mj12|"
    r"bytespider|gptbot|claudebot|ccbot|perplexity|amazonbot|applebot|duckduckgo|"
    r"curl|wget|python|aiohttp|httpx|go-http-client|java/|okhttp|libwww|perl|ruby|php/|"
    r"node-fetch|axios|undici|postman|insomnia|httpie|"
    r"headless|phantomjs|selenium|webdriver|puppeteer|playwright|lighthouse|pagespeed|"
    r"gtmetrix|pingdom|uptime|statuscake|monitor|preview|feedfetcher|feedly|rss",
    re.IGNORECASE,
)
BROWSER_PREFIX = re.compile(r"^(?:Mozilla|Opera)/\d", re.IGNORECASE)

DEFAULT_EXCLUDED_PREFIXES = (
    "/static/",
    "/media/",
    "/api/",
    "/bien-tap/",
    "/quan-tri/",
    "/admin/",
    "/healthz",
    "/i18n/",
    "/tai-lieu/",
    "/dang-nhap/",
    "/dang-xuat/",
    "/sitemap",
    "/robots.txt",
    "/favicon",
    "/open311/",
    "/rss",
    "/feed",
)
EXCLUDED_SUFFIXES = (".xml", ".rss", ".atom", ".json", ".txt")


def is_bot(user_agent: str) -> bool:
    """True for crawlers, tools and empty or non-browser user agents."""
    ua = (user_agent or "")[:MAX_UA].strip()
    if not ua or not BROWSER_PREFIX.match(ua):
        return True
    return BOT_PATTERN.search(ua) is not None


def user_agent(request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", "") or "")[:MAX_UA]


def visitor_hash(salt: bytes, ip: str, ua: str) -> str:
    message = f"{ip}\n{ua[:MAX_UA]}".encode("utf-8", "surrogatepass")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()[:16]


def excluded_path(path: str) -> bool:
    prefixes = DEFAULT_EXCLUDED_PREFIXES + tuple(
        getattr(settings, "TTHC_VISITS_EXCLUDED_PREFIXES", ())
    )
    lowered = path.lower()
    return lowered.startswith(prefixes) or lowered.endswith(EXCLUDED_SUFFIXES)


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _prefetch(request) -> bool:
    purpose = (
        str(request.META.get("HTTP_SEC_PURPOSE", "")) + str(request.META.get("HTTP_PURPOSE", ""))
    ).lower()
    return "prefetch" in purpose or "prerender" in purpose


def countable_visitor(request) -> bool:
    """A person on the public site: a browser, not signed in (only staff have accounts; their
    working visits would inflate the public figures), not a prefetch."""
    return not (is_bot(user_agent(request)) or _signed_in(request) or _prefetch(request))


def countable_page(request, response) -> bool:
    """A page a person saw: GET, 200, HTML, a resolved public URL, not an htmx fragment."""
    if request.method != "GET" or response.status_code != 200:
        return False
    if not str(response.get("Content-Type", "")).lower().startswith("text/html"):
        return False
    if getattr(request, "resolver_match", None) is None or excluded_path(request.path):
        return False
    if request.META.get("HTTP_HX_REQUEST"):
        return False
    return countable_visitor(request)


def page_path(request) -> str:
    """The path without its query string, cut to the stored length."""
    return request.path[:MAX_PATH]
