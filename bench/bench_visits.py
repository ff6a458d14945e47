"""What visitor counting costs a request: hits, footer reads and drains per second, for the
in-process store and for Redis (docs/metrics.md).

Run: .venv/bin/python bench/bench_visits.py [--seconds 1.0] [--redis redis://127.0.0.1:6379/14]

A hit is what the middleware does for a counted page: hash the visitor with the day's salt, then
one store call (one Lua script round trip for Redis). Visitors cycle through 5,000 addresses, so
most hits are returning visitors, as on a real site. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc.settings")

import django

django.setup()

from tthc.metrics.store import MemoryStore, RedisStore  # noqa: E402
from tthc.metrics.visitors import visitor_hash  # noqa: E402

DAY = date(2026, 11, 27)
ADDRESSES = [f"198.51.{i // 250}.{i % 250}" for i in range(5000)]
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
PATHS = ["/", "/tin-tuc/", "/thu-tuc/", "/tim-kiem/", "/thu-tuc/1.001193/"]


def per_second(seconds: float, step) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(200):
            step(done)
            done += 1
    return done / (time.perf_counter() - started)


def measure(store, seconds: float) -> dict[str, float]:
    salt = store.salt(DAY)
    now = time.time()

    def hit(i: int) -> None:
        visitor = visitor_hash(salt, ADDRESSES[i % len(ADDRESSES)], UA)
        store.record_hit(day=DAY, visitor=visitor, now=now, path=PATHS[i % len(PATHS)])

    hits = per_second(seconds, hit)
    reads = per_second(seconds, lambda i: store.live(now=now))
    started = time.perf_counter()
    batch = store.begin_drain()
    if batch is not None:
        store.finish_drain(batch.id)
    return {"hits": hits, "reads": reads, "drain_ms": (time.perf_counter() - started) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="a Redis for the run")
    args = parser.parse_args()

    rows = [("memory", measure(MemoryStore(), args.seconds))]
    redis = RedisStore(args.redis, prefix=f"bench:{uuid.uuid4().hex[:8]}:")
    try:
        redis.client.ping()
    except Exception as exc:  # no Redis here: the in-process figures alone
        print(f"(Redis {args.redis} không trả lời: {exc})", file=sys.stderr)
    else:
        try:
            rows.append(("redis", measure(redis, args.seconds)))
        finally:
            keys = list(redis.client.scan_iter(f"{redis.prefix}*"))
            if keys:
                redis.client.delete(*keys)

    print(f"{'store':<10}{'hits /s':>12}{'footer reads /s':>18}{'drain ms':>10}")
    for name, row in rows:
        print(f"{name:<10}{row['hits']:>12,.0f}{row['reads']:>18,.0f}{row['drain_ms']:>10.1f}")
    if len(rows) == 2:
        ratio = rows[0][1]["hits"] / rows[1][1]["hits"]
        print(f"memory / redis, hits: {ratio:.1f}×")


if __name__ == "__main__":
    main()
