"""Search, each query shape of the benchmark alone, in-process: where the time goes.

    .venv/bin/python bench/profile_search.py                       # the SQLite bench catalog
    .venv/bin/python bench/profile_search.py --database-url postgres://…/tthc_bench_search
    .venv/bin/python bench/profile_search.py --repeat 20 --pyinstrument bench/results/search.html
    .venv/bin/python bench/profile_search.py --only "quyen su dung dat" --sql

For each query of `run.py`'s SEARCH_QUERIES, runs the API view's work — `selectors.procedure_search`
(`procedure_list` before it existed) seen through `api.MappedQuerySet` as the paginator reads it
(the count, then page 1) — `--repeat` times after one warm-up, the cached results cleared before
each run unless `--warm`, with no HTTP and no concurrency, and prints the median and the slowest
time, the median CPU time of the thread (SQLite's work included, PostgreSQL's not: on a busy
machine it is the steadier figure), the number of matches and the number of SQL queries. `--http` goes through Django's test
client instead (URL routing, ninja, serialization). `--pyinstrument FILE` profiles the whole loop
(`.html` or text). `--sql` prints each query's SQL and its time. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import RESULTS, catalog_name, setup_django  # noqa: E402
from run import SEARCH_QUERIES  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--count", type=int, default=20_000, help="the SQLite catalog's size")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="these queries instead of SEARCH_QUERIES")
    parser.add_argument("--http", action="store_true", help="through the test client")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="keep cached search results between repetitions (default: cleared, each is ranked)",
    )
    parser.add_argument("--pyinstrument", type=Path, metavar="FILE")
    parser.add_argument("--sql", action="store_true", help="print the SQL of each query")
    args = parser.parse_args(argv)

    url = args.database_url
    if not url:
        path = RESULTS / f"{catalog_name(args.count)}.sqlite3"
        if not path.exists():
            print(f"{path} is missing: run bench/generate.py first.", file=sys.stderr)
            return 1
        url = f"sqlite:///{path}"
    setup_django(url)

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tthc.catalog import selectors
    from tthc.catalog.api import MappedQuerySet

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    queries = args.only or SEARCH_QUERIES

    search = getattr(selectors, "procedure_search", selectors.procedure_list)

    def once(query: str) -> int:
        if not args.warm:
            cache.clear()
        if args.http:
            response = client.get("/api/v1/procedures", {"q": query, "page_size": args.page_size})
            assert response.status_code == 200, response.content[:300]
            return response.json()["count"]
        page = MappedQuerySet(search(q=query), lambda p: p.code)
        count = page.count()
        page[0 : args.page_size]
        return count

    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    how = "HTTP (test client)" if args.http else "selector"
    print(f"{connection.vendor}, {how}, {'warm' if args.warm else 'cold (cache cleared)'}")
    print(f"{'query':<36}{'matches':>9}{'queries':>9}{'median ms':>11}{'max ms':>9}{'CPU ms':>9}")
    rows = []
    for query in queries:
        once(query)  # warm-up: caches, prepared statements
        with CaptureQueriesContext(connection) as captured:
            matches = once(query)
        if args.sql:
            for item in captured.captured_queries:
                print(f"    {item['time']}s  {item['sql'][:2000]}")
        times, cpu = [], []
        if profiler:
            profiler.start()
        for _ in range(args.repeat):
            started, cpu_started = time.perf_counter(), time.thread_time()
            once(query)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
        if profiler:
            profiler.stop()
        median = statistics.median(times)
        rows.append((median, statistics.median(cpu)))
        print(
            f"{query[:36]:<36}{matches:>9,}{len(captured.captured_queries):>9}"
            f"{median:>11.1f}{max(times):>9.1f}{statistics.median(cpu):>9.1f}",
            flush=True,
        )
    reset_queries()
    if args.http:  # the framework floor through the same client, for comparison
        cpu = []
        for _ in range(max(args.repeat, 20)):
            cpu_started = time.thread_time()
            client.get("/healthz")
            cpu.append((time.thread_time() - cpu_started) * 1000)
        print(f"{'/healthz (floor)':<63}{'':>9}{statistics.median(cpu):>9.2f}")
    print(
        f"{'all (mean of medians)':<54}{statistics.mean(r[0] for r in rows):>11.1f}"
        f"{'':>9}{statistics.mean(r[1] for r in rows):>9.1f}"
    )
    if profiler:
        if args.pyinstrument.suffix == ".html":
            args.pyinstrument.write_text(profiler.output_html())
        else:
            args.pyinstrument.write_text(profiler.output_text(unicode=True, show_all=False))
        print(f"Profile: {args.pyinstrument}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
