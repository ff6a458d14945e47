"""Acceptance: three real gunicorn workers (separate processes) share one Redis-backed count.

250 simulated people (each its own address, sent as X-Forwarded-For through one trusted proxy,
and its own browser) view three pages each, mixed with bots, HEAD requests and missing pages.
The footer then says exactly 250 online and 250 today; the flush moves exactly that into the
database; after a restart of every web process the figures hold, a returning visitor is not
counted again today, and a new one is. Neither the addresses nor the browsers appear in Redis
or the database.
"""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from tests.metrics.conftest import REDIS_URL, redis_reachable
from tthc.metrics.store import RedisStore
from tthc.workdays.engine import VN_TZ

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/lich-lam-viec/", "/thu-tuc/", "/phan-anh/"]
PEOPLE = 250
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def person(i: int) -> tuple[str, str]:
    return (
        f"198.51.100.{i + 1}",
        f"Mozilla/5.0 (X11; Linux x86_64) AcceptanceBrowser/{i} Chrome/131.0 Safari/537.36",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, tmp: Path, prefix: str):
        self.db = tmp / "db.sqlite3"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "tests.metrics.acceptance_settings",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "TTHC_VAR_DIR": str(tmp),
            "TTHC_VISITS_REDIS_URL": REDIS_URL,
            "TTHC_TEST_VISITS_PREFIX": prefix,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
            "CACHE_URL": "locmemcache://",
        }
        self.env.pop("DATABASE_URL_TEST", None)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = tmp / "gunicorn.log"

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tthc.cli", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tthc.wsgi",
                    "-w",
                    "3",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if self.get("/healthz", ua=BOT)[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text())

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def get(self, path: str, *, ua: str, ip: str = "", method: str = "GET") -> tuple[int, str]:
        headers = {"User-Agent": ua}
        if ip:  # a forged address first: only the one our (single) proxy adds is trusted
            headers["X-Forwarded-For"] = f"203.0.113.66, {ip}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    def footer(self) -> dict[str, str]:
        status, html = self.get(PAGES[0], ua=BOT)
        assert status == 200
        return dict(re.findall(r'data-stat="(\w+)">([^<]*)<', html))

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as db:
            return db.execute(sql).fetchall()


@pytest.fixture
def site(tmp_path):
    if not redis_reachable():
        pytest.skip("Redis không chạy ở 127.0.0.1:6379 (CI khởi động nó trong .ci/run)")
    now = datetime.now(VN_TZ)
    if now.hour == 23 and now.minute >= 59:  # the counts are per day: don't straddle midnight
        time.sleep(61 - now.second)
    prefix = f"tthc-test:{uuid.uuid4().hex}:"
    site = Site(tmp_path, prefix)
    site.manage("migrate", "--run-syncdb", "--noinput", "-v", "0")
    yield site
    site.stop()
    RedisStore(REDIS_URL, prefix).clear()


def _redis_dump(store: RedisStore) -> str:
    parts = []
    for key in store.client.scan_iter(match=f"{store.prefix}*"):
        kind = store.client.type(key).decode()
        value = {
            "string": store.client.get,
            "set": store.client.smembers,
            "zset": lambda k: store.client.zrange(k, 0, -1),
            "hash": store.client.hgetall,
        }[kind](key)
        parts.append(f"{key!r} {value!r}")
    return "\n".join(parts)


def test_several_web_processes_count_exactly_and_survive_a_restart(site):
    site.start()
    today = datetime.now(VN_TZ).date()
    store = RedisStore(REDIS_URL, site.env["TTHC_TEST_VISITS_PREFIX"])

    def visit(i: int) -> list[int]:
        ip, ua = person(i)
        statuses = [site.get(page, ua=ua, ip=ip)[0] for page in PAGES]
        if i % 5 == 0:  # one in five also sends what must not count (same address)
            statuses.append(site.get(PAGES[0], ua=ua, ip=ip, method="HEAD")[0])
            statuses.append(site.get("/khong-co-trang-nay/", ua=ua, ip=ip)[0])
            statuses.append(site.get("/lich-lam-viec/", ua=BOT, ip=ip)[0])
            statuses.append(site.get("/thu-tuc/", ua="curl/8.5.0", ip=ip)[0])
        return statuses

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(visit, range(PEOPLE)))
    assert all(r == [200, 200, 200] for r in results[1::5]), results[1]
    assert all(r == [200, 200, 200, 200, 404, 200, 200] for r in results[::5]), results[0]

    pids = {
        int(line.split("pid: ")[1].rstrip("]\n"))
        for line in site.log.read_text().splitlines()
        if "Booting worker" in line
    }
    assert len(pids) == 3, "three separate worker processes served the pages"

    assert store.live(now=time.time()).days == {today: [PEOPLE, 3 * PEOPLE]}
    assert site.footer() == {
        "online": "250",
        "today": "250",
        "month": "250",
        "total": "250",
    }

    assert "Đã ghi: 250 lượt khách, 750 lượt xem trang, 3 trang" in site.manage("flush-visits")
    assert site.rows("select visitors, page_views from metrics_dailyvisits") == [(250, 750)]
    assert sorted(site.rows("select path, views from metrics_dailypageviews")) == [
        ("/lich-lam-viec/", 250),
        ("/phan-anh/", 250),
        ("/thu-tuc/", 250),
    ]
    assert site.footer()["today"] == "250"

    site.stop()  # every web process goes; Redis and the database stay
    site.start()
    assert site.footer() == {"online": "250", "today": "250", "month": "250", "total": "250"}
    ip, ua = person(0)
    assert site.get("/phan-anh/", ua=ua, ip=ip)[0] == 200  # a returning visitor
    assert site.footer()["today"] == "250"
    ip, ua = person(PEOPLE)
    assert site.get("/thu-tuc/", ua=ua, ip=ip)[0] == 200  # a new one
    assert site.footer() == {"online": "251", "today": "251", "month": "251", "total": "251"}
    site.manage("flush-visits")
    assert site.rows("select visitors, page_views from metrics_dailyvisits") == [(251, 752)]

    stored = _redis_dump(store) + repr(
        [
            site.rows(f"select * from {t}")
            for t in (
                "metrics_dailyvisits",
                "metrics_dailypageviews",
                "metrics_dailysearch",
                "metrics_flushbatch",
            )
        ]
    )
    assert "198.51.100." not in stored and "AcceptanceBrowser" not in stored
    assert "203.0.113." not in stored
