"""The index 766 at a million dossiers on PostgreSQL: in-process latency and, when the API is
there, HTTP through gunicorn — each with its ratio to the framework floor.

    .venv/bin/python bench/bench_index.py                   # run by `make bench` (bench/run.py)
    .venv/bin/python bench/bench_index.py --count 100000 --database-url postgres://…/other
    .venv/bin/python bench/bench_index.py --no-http -r 10

1. Makes sure the dossiers exist (bench/generate_dossiers.py --reuse: generated once, minutes;
   reused afterwards). Skips, with a message, when PostgreSQL is not reachable.
2. In-process (Django set up in this process, one connection, `CONN_MAX_AGE` as configured):
   each case repeated `-r` times (fewer, at least 5, past 5 s) after one unmeasured run, p50/p95 and the queries it sends:
   the province index (`index.compute`) for a month, a quarter and a year, one agency's, the
   dossier aggregate alone, the procedure and feedback indicators alone, the ranking data
   (`dossier_figures_by_agency`), the drill-down of 2.1 (page 1 and page 500 as the API pages it:
   a count and an OFFSET slice), report 06 (figures for a quarter and a year, and the year's
   Excel file). The floor is a trivial query (`SELECT 1`) through the same
   connection: "× floor" = floor p50 ÷ case p50 (the share of the framework's capacity, as
   bench/run.py's req/s ratio for one client).
3. HTTP, when `GET /api/v1/service-index` answers: gunicorn as bench/run.py starts it, `-c`
   closed-loop clients for `-d` seconds on `/healthz` (the floor, as in run.py) and on the
   index endpoints, and on report 06's page and Excel file for a quarter (signed in as the
   demo control officer `kiemsoat`); "× floor" = req/s ÷ the floor's req/s, as in run.py.

Prints a table, writes bench/results/index-latest.json. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
# The 1M dossiers bench_dossiers.py drives too: generated once for both.
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_dossiers"
TARGET_MS = 300.0
# Each case runs `--repeat` times, or fewer (at least MIN_RUNS) when it takes longer than this.
BUDGET_S = 5.0
MIN_RUNS = 5


def reachable(url: str) -> str | None:
    """None when the PostgreSQL server of `url` answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def measure(label: str, fn, repeat: int, floor_ms: float | None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()  # warm: plans, caches, lazy imports; also the query count
    queries = len(captured)
    times = []
    budget = time.perf_counter() + BUDGET_S
    while len(times) < repeat and (len(times) < MIN_RUNS or time.perf_counter() < budget):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    repeat = len(times)
    row = {
        "case": label,
        "runs": repeat,
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "queries": queries,
    }
    row["ratio_to_floor"] = floor_ms / row["p50_ms"] if floor_ms else None
    print(
        f"  {label:<52} p50 {row['p50_ms']:>8.1f} ms  p95 {row['p95_ms']:>8.1f} ms  "
        f"{queries:>3} queries" + (f"  × floor {row['ratio_to_floor']:.4f}" if floor_ms else ""),
        flush=True,
    )
    return row


def periods(until: date):
    from tthc.metrics.index import Period

    last_month_end = until.replace(day=1) - timedelta(days=1)
    month = Period(last_month_end.replace(day=1), last_month_end)
    q_end_month = ((last_month_end.month - 1) // 3) * 3  # last month of the previous quarter
    if q_end_month == 0:
        quarter = Period(
            date(last_month_end.year - 1, 10, 1), date(last_month_end.year - 1, 12, 31)
        )
    else:
        start = date(last_month_end.year, q_end_month - 2, 1)
        end = date(last_month_end.year, q_end_month + 1, 1) - timedelta(days=1)
        quarter = Period(start, end)
    year = Period(date(until.year - 1, 1, 1), date(until.year - 1, 12, 31))
    return {"month": month, "quarter": quarter, "year": year}


def in_process(args, until: date) -> dict:
    from django.db import connection
    from django.db.models import Count

    from tthc.metrics import drilldown, index
    from tthc.metrics.models import DossierFact
    from tthc.org.models import Agency

    rows = []
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from metrics_dossierfact")
        facts = cursor.fetchone()[0]

    def trivial():
        with connection.cursor() as cursor:
            cursor.execute("select 1")
            cursor.fetchone()

    floor = measure("floor: SELECT 1 (same connection)", trivial, max(50, args.repeat), None)
    floor_ms = floor["p50_ms"]
    rows.append(floor)
    ps = periods(until)
    busiest = (
        DossierFact.objects.values("resolving_agency_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    agency = Agency.objects.get(pk=busiest["resolving_agency_id"])
    for name, period in ps.items():
        scope = index.Scope.of(period)
        rows.append(
            measure(
                f"province index, {name} ({period.label})",
                lambda s=scope: index.compute(s),
                args.repeat,
                floor_ms,
            )
        )
    for name in ("month", "year"):
        scope = index.Scope.of(ps[name], agency)
        rows.append(
            measure(
                f"agency index, {name} ({agency.code})",
                lambda s=scope: index.compute(s),
                args.repeat,
                floor_ms,
            )
        )
    year = index.Scope.of(ps["year"])
    rows.append(
        measure(
            "  of which: dossier aggregate, province year",
            lambda: index.dossier_figures(year),
            args.repeat,
            floor_ms,
        )
    )
    rows.append(
        measure(
            "  of which: procedure + feedback indicators, year",
            lambda: index.assemble(
                year, dict.fromkeys(index.DOSSIER_RULES.keys() | {"5.4"}, (0, 0))
            ),
            args.repeat,
            floor_ms,
        )
    )
    for name in ("month", "year"):
        rows.append(
            measure(
                f"ranking data (by agency), {name}",
                lambda p=ps[name]: index.dossier_figures_by_agency(p),
                args.repeat,
                floor_ms,
            )
        )
    month = index.Scope.of(ps["month"])
    for page in (1, 500):

        def drill(page=page, scope=month):
            selected = drilldown.selection(scope, "2.1")
            total = selected.count()
            offset = (page - 1) * 20
            return total, drilldown.rows(scope, "2.1", selected[offset : offset + 20])

        rows.append(
            measure(
                f"drill-down 2.1, month, page {page} (count + OFFSET)", drill, args.repeat, floor_ms
            )
        )
    from tthc.metrics import report06

    for name in ("quarter", "year"):
        rows.append(
            measure(
                f"report 06, {name} (figures)",
                lambda p=ps[name]: report06.build(p),
                args.repeat,
                floor_ms,
            )
        )
    rows.append(
        measure(
            "report 06, year, Excel file (figures + workbook)",
            lambda: report06.xlsx(report06.build(ps["year"])),
            args.repeat,
            floor_ms,
        )
    )
    return {
        "facts": facts,
        "agency": agency.code,
        "rows": rows,
        "periods": {k: [str(p.start), str(p.end)] for k, p in ps.items()},
    }


def staff_session(username: str) -> str:
    """The session cookie of a demo account (generate_dossiers.py creates the accounts)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies["sessionid"].value


def over_http(args, url: str, until: date, agency_code: str, session: str) -> dict:
    sys.path.insert(0, str(BENCH))
    import run  # bench/run.py: the same server, load generator and floor

    ps = periods(until)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = run.Gunicorn(
        database_url=url,
        workers=args.workers,
        threads=args.threads,
        log_path=RESULTS / "gunicorn-index.log",
    )
    result = {"available": False, "rows": []}
    try:
        server.start()
        import http.client

        probe = f"/api/v1/service-index?from={ps['month'].start}&to={ps['month'].end}"
        conn = http.client.HTTPConnection(run.HOST, server.port, timeout=120)
        conn.request("GET", probe, headers={"Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            print(f"  {probe}: HTTP {response.status} — measured in-process only", flush=True)
            return result
        result["available"] = True

        def fixed(path, label):
            return lambda rng: (path, label)

        def q(p):
            return f"from={p.start}&to={p.end}"

        cases = [
            ("healthz", "/healthz (floor)", fixed("/healthz", "healthz")),
            (
                "month",
                "service-index, month",
                fixed(f"/api/v1/service-index?{q(ps['month'])}", "m"),
            ),
            (
                "quarter",
                "service-index, quarter",
                fixed(f"/api/v1/service-index?{q(ps['quarter'])}", "q"),
            ),
            ("year", "service-index, year", fixed(f"/api/v1/service-index?{q(ps['year'])}", "y")),
            (
                "agency",
                "service-index, agency, month",
                fixed(f"/api/v1/service-index?{q(ps['month'])}&agency={agency_code}", "a"),
            ),
            (
                "items1",
                "service-index/2.1/items, month, page 1",
                fixed(f"/api/v1/service-index/2.1/items?{q(ps['month'])}&page=1", "i1"),
            ),
            (
                "items500",
                "service-index/2.1/items, month, page 500",
                fixed(f"/api/v1/service-index/2.1/items?{q(ps['month'])}&page=500", "i500"),
            ),
        ]
        period = ps["quarter"]
        quarter = (period.start.month - 1) // 3 + 1
        report = f"ky=quy&nam={period.start.year}&quy={quarter}"
        cases += [
            ("report06", "report 06 page, quarter", fixed(f"/quan-tri/bao-cao-06/?{report}", "r")),
            (
                "report06xlsx",
                "report 06 Excel, quarter",
                fixed(f"/quan-tri/bao-cao-06/excel/?{report}", "x"),
            ),
        ]
        cookie = {"Cookie": f"sessionid={session}"}
        floor_rps = None
        for key, label, make in cases:
            run.run_load(
                server.port,
                make,
                concurrency=args.concurrency,
                duration=1.0,
                grace=10,
                seed=7,
                headers=cookie,
            )
            load = run.run_load(
                server.port,
                make,
                concurrency=args.concurrency,
                duration=args.duration,
                grace=30,
                seed=1,
                server_pid=server.pid,
                postgres=True,
                headers=cookie,
            )
            row = {"case": key, "path": label, **run.summarize(load.samples, load.elapsed)}
            row["unfinished"] = load.unfinished
            if key == "healthz":
                floor_rps = row["throughput_rps"]
            row["ratio_to_floor"] = row["throughput_rps"] / floor_rps if floor_rps else None
            result["rows"].append(row)
            print(
                f"  {label:<44} {row['throughput_rps']:>8,.1f} req/s  p50 {row['p50_ms']:>7.1f}"
                f"  p95 {row['p95_ms']:>7.1f} ms  × floor {row['ratio_to_floor']:.4f}  "
                f"errors {row['errors']}",
                flush=True,
            )
    finally:
        server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_INDEX_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--count", type=int, default=1_000_000, help="dossiers (1,000,000)")
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        default=None,
        help="the generator's --until (default: the newest dossier's next day)",
    )
    parser.add_argument("-r", "--repeat", type=int, default=20, help="runs per case (20)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("-c", "--concurrency", type=int, default=4, help="HTTP clients (4)")
    parser.add_argument("-d", "--duration", type=float, default=6.0, help="HTTP seconds each")
    from tthc import gunicorn_conf  # the shipped server configuration's process counts

    parser.add_argument("--workers", type=int, default=gunicorn_conf.workers)
    parser.add_argument("--threads", type=int, default=gunicorn_conf.threads)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    why = reachable(args.database_url)
    if why:
        print(f"Index bench skipped: PostgreSQL not reachable at {args.database_url} ({why}).")
        return 0
    print(
        f"== Dossiers ({args.count:,}) on {urlsplit(args.database_url).path.lstrip('/')} ==",
        flush=True,
    )
    generated = subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate_dossiers.py"),
            "--count",
            str(args.count),
            "--database-url",
            args.database_url,
            "--reuse",
        ],
        cwd=ROOT,
        check=False,
    )
    if generated.returncode:
        print("Index bench: generation failed.", file=sys.stderr)
        return generated.returncode

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc.settings")
    os.environ.setdefault("TTHC_VAR_DIR", str(RESULTS / "var"))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select max(received_at) from metrics_dossierfact")
        newest = cursor.fetchone()[0]
    until = args.until or (newest.date() + timedelta(days=1) if newest else date.today())

    print(f"\n== In-process, {args.repeat} runs per case ==", flush=True)
    local = in_process(args, until)
    session = staff_session("kiemsoat")  # the control officer: the province's report
    connection.close()
    http = {"available": False, "rows": []}
    if not args.no_http:
        print(
            f"\n== HTTP: gunicorn gthread {args.workers}×{args.threads}, "
            f"{args.concurrency} clients × {args.duration:g} s ==",
            flush=True,
        )
        http = over_http(args, args.database_url, until, local["agency"], session)
    province = [r for r in local["rows"] if r["case"].startswith("province index")]
    worst = max(r["p50_ms"] for r in province)
    print(
        f"\nProvince index at {local['facts']:,} facts: worst p50 {worst:.1f} ms "
        f"(target ≤ {TARGET_MS:.0f} ms: {'met' if worst <= TARGET_MS else 'NOT met'}); "
        f"{time.perf_counter() - started:.0f} s in all.",
        flush=True,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "index-latest.json").write_text(
        json.dumps({"in_process": local, "http": http, "until": str(until)}, indent=2, default=str)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
