"""Dossiers at province scale on PostgreSQL, over HTTP under gunicorn (issue 15):

    .venv/bin/python bench/bench_dossiers.py          # also run by make bench (bench/run.py)
    .venv/bin/python bench/bench_dossiers.py -d 20 --only queue

1. The staff queue at 1M dossiers: `/quan-tri/ho-so/?the=…` (every tab) and the staff API
   `/api/v1/staff/dossiers?tab=…`, 8 signed-in clients (several accounts: the province's
   centre, a ward's centre, a ward's committee (two agencies), a department, a control officer
   who sees the whole province); most requests are first pages, about a third follow the
   previous answer's "next" link (the pager's link of the page, the API's `next`).
   Database: `tthc_bench_dossiers` (generated once by bench/generate_dossiers.py, reused; the
   same database bench_index.py reads).
2. The public lookup by code (`/tra-cuu-ho-so/?ma=…` and `/api/v1/dossiers/<code>`), random
   codes of that database, 16 clients.
3. Online intake: 16 clients POST `/api/v1/dossiers` (multipart, a small PDF for each
   mandatory document) with `tthc db_worker` running (notifications), on its own database
   `tthc_bench_intake` (migrated and given the demo province once, reused) with the submission
   rate limit raised (`TTHC_DOSSIER_SUBMISSIONS_PER_HOUR`); then every acknowledged code is
   checked in the database: none lost, none twice.
4. `/healthz` at 16 clients, the framework floor: every req/s is also given as a ratio to it.
5. Peak RSS (VmHWM) of each gunicorn worker and of the db_worker, and their RSS at the start
   and the end of each phase (something that grows without bound shows there).

Skipped with a message when PostgreSQL is unreachable. Writes bench/results/dossiers-latest.json.
Nothing is asserted: figures for reading and comparing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (the catalog runner: gunicorn, percentiles, CPU accounting)

HOST = run.HOST
QUEUE_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_dossiers"
INTAKE_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_intake"
PROCEDURE = "1.001193"  # khai sinh: online, ward level, in the demo province
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Accounts of the demo province whose queues are driven (a client each, in turn).
QUEUE_USERS = [
    "tiepnhan",  # the province's centre: a third of the province's dossiers
    "xa.lanhdao",  # a ward's committee leader: the committee and its centre (two agencies)
    "kiemsoat",  # control officer: every dossier of the province
    "chuyenvien",  # a department's specialist
    "xa.tiepnhan",  # a ward's centre
    "lanhdao",  # a department's leader
    "tiepnhan.bavi",  # another ward's centre
    "xa.chuyenvien",  # a ward's specialist
]
TABS = ["moi", "dang-xu-ly", "sap-den-han", "qua-han", "bo-sung", "cho-tra", "da-xong", "cua-toi"]
FOLLOW_NEXT = 0.5  # chance to follow the previous answer's next link, when it has one
NEXT_DEPTH = 20  # at most this many pages down, then a first page again


# --------------------------------------------------------------------------- preparation


def prepare(kind: str, url: str) -> dict:
    """Runs in a subprocess with DATABASE_URL = url: Django set up on that database."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc.settings")
    os.environ.setdefault("TTHC_VAR_DIR", str(RESULTS / "var"))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    out: dict = {}
    if kind == "intake":
        call_command("migrate", interactive=False, verbosity=0)
        from tthc.catalog.models import Procedure

        if not Procedure.objects.exists():
            call_command("demo", verbosity=0)
        from tthc.dossiers import routing, selectors

        offer = selectors.online_offer(PROCEDURE)
        resolving = next(a for a in offer.resolving if routing.desks(offer.procedure, a))
        out["resolving"] = resolving.code
        out["files"] = [row["field"] for row in offer.documents if not row["optional"]]
        return out
    # queue: migrated; the queue copies derived if loaded with triggers off (the generator);
    # sessions of the accounts, codes for the lookup, queries per page
    call_command("migrate", interactive=False, verbosity=0)
    from tthc.dossiers import queue_triggers
    from tthc.dossiers.models import DossierAgency

    if DossierAgency.objects.filter(status=0).exists():
        started = time.perf_counter()
        changed = queue_triggers.resync(connection)
        with connection.cursor() as cursor:
            cursor.execute("analyze dossiers_dossieragency")
        print(
            f"  queue copies derived: {changed:,} rows in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    users = get_user_model().objects.in_bulk(QUEUE_USERS, field_name="username")
    sessions = {}
    for name in QUEUE_USERS:
        client = Client()
        client.force_login(users[name])
        sessions[name] = client.cookies["sessionid"].value
    out["sessions"] = sessions
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from dossiers_dossier")
        out["dossiers"] = cursor.fetchone()[0]
        cursor.execute(
            "select code from dossiers_dossier tablesample system (0.5) repeatable (7) limit 2000"
        )
        out["codes"] = [row[0] for row in cursor.fetchall()]
    out["queries"] = queries_per_page(users)
    return out


def queries_per_page(users) -> dict:
    """Queries of one page of each tab (the page and the API), for two accounts, in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    found: dict = {}
    for name in ("tiepnhan", "kiemsoat"):
        client = Client()
        client.force_login(users[name])
        for tab in TABS:
            for kind, path in (
                ("page", f"/quan-tri/ho-so/?the={tab}"),
                ("api", f"/api/v1/staff/dossiers?tab={tab}"),
            ):
                client.get(path)  # warm: session, caches
                with CaptureQueriesContext(connection) as queries:
                    status = client.get(path).status_code
                found[f"{name} {kind} {tab}"] = {"queries": len(queries), "status": status}
    return found


def shared_caches(redis_url: str) -> dict[str, str] | None:
    """The cache of each served database, as in production (several processes share Redis:
    sessions, rate limits, cached searches): two emptied Redis databases, None without Redis."""
    import redis

    if not redis_url:
        return None
    base = redis_url.rstrip("/")
    try:
        for number in (14, 15):
            redis.Redis.from_url(f"{base}/{number}", socket_connect_timeout=1).flushdb()
    except (redis.RedisError, OSError):
        return None
    cache = base.replace("redis://", "rediscache://", 1)
    return {"queue": f"{cache}/14", "intake": f"{cache}/15"}


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')
            print(f"  created database {name}", flush=True)


def run_prepare(kind: str, url: str) -> dict:
    if kind == "intake":
        ensure_database(url)
    result = subprocess.run(
        [sys.executable, __file__, "--prepare", kind, "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"prepare {kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    try:
        with psycopg.connect(admin, connect_timeout=3):
            return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip()[:200]}"


def ensure_queue_database(url: str, count: int) -> float | None:
    """Generates the dossiers once (bench/generate_dossiers.py); reused afterwards (migrated by
    `prepare`). Returns the generation's seconds, None when reused."""
    import psycopg

    ensure_database(url)
    with psycopg.connect(url) as conn:
        exists = conn.execute("select to_regclass('dossiers_dossier')").fetchone()[0]
        held = exists and conn.execute("select exists (select 1 from dossiers_dossier)").fetchone()
    if held and held[0]:
        print("  reusing the generated dossiers", flush=True)
        return None
    started = time.perf_counter()
    command = [sys.executable, str(BENCH / "generate_dossiers.py"), "--database-url", url]
    made = subprocess.run(
        [*command, "--count", str(count), "--check", "0"], cwd=ROOT, text=True, check=False
    )
    if made.returncode != 0:
        raise RuntimeError("generate_dossiers.py failed")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- load


class Load:
    """C closed-loop clients (threads, keep-alive http.client) for D seconds; each request
    comes from `make(index, rng, state) -> (method, path, headers, body, label)` and its answer
    goes to `seen(index, state, label, status, body)`."""

    def __init__(self, port, make, *, clients, duration, grace=5.0, seen=None, server_pid=None):
        self.port, self.make, self.seen = port, make, seen
        self.clients, self.duration, self.grace = clients, duration, grace
        self.server_pid = server_pid
        self.samples: list[run.Sample] = []
        self.errors: list[str] = []
        self.unfinished = 0
        self.elapsed = 0.0
        self.cpu: dict[str, float] = {}

    def go(self, seed: int = 1) -> Load:
        lock = threading.Lock()
        start_gate = threading.Event()
        inflight: dict[int, float] = {}
        state = {"closed": False, "last": 0.0}

        def client(index: int) -> None:
            rng = random.Random(seed * 1000 + index)
            mine: dict = {}
            conn = None
            start_gate.wait()
            while not state["closed"] and time.perf_counter() < deadline:
                method, path, headers, body, label = self.make(index, rng, mine)
                started = time.perf_counter()
                inflight[index] = started
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    status = response.status
                    if response.will_close:
                        conn.close()
                        conn = None
                except (OSError, http.client.HTTPException) as exc:
                    status, data = 0, f"{type(exc).__name__}: {exc}".encode()
                    if conn is not None:
                        conn.close()
                    conn = None
                inflight.pop(index, None)
                seconds = time.perf_counter() - started
                with lock:
                    if state["closed"]:
                        break
                    self.samples.append(run.Sample(seconds, status, label))
                    state["last"] = time.perf_counter()
                    ok = status in (200, 201)
                    if not ok and len(self.errors) < 5:
                        self.errors.append(f"{status} {method} {path[:80]}: {data[:200]!r}")
                if self.seen is not None:
                    self.seen(index, mine, label, status, data)
            if conn is not None:
                conn.close()

        threads = [
            threading.Thread(target=client, args=(i,), daemon=True) for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        cpu_before = time.process_time()
        before = run.cpu_snapshot(self.server_pid, postgres=True)
        system_before = run.system_busy_cpu()
        start = time.perf_counter()
        deadline = start + self.duration
        start_gate.set()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline + self.grace - time.perf_counter()))
        with lock:
            state["closed"] = True
            self.unfinished = len(inflight)
            end = max(state["last"], deadline) if not self.unfinished else time.perf_counter()
        self.elapsed = end - start
        after = run.cpu_snapshot(self.server_pid, postgres=True)
        client_cpu = time.process_time() - cpu_before
        server = after["server"] - before["server"]
        database = after["database"] - before["database"]
        other = run.system_busy_cpu() - system_before - server - database - client_cpu
        e = self.elapsed or 1.0
        self.cpu = {
            "server": server / e,
            "db": database / e,
            "client": client_cpu / e,
            "other": max(0.0, other / e),
        }
        return self

    def row(self, name: str) -> dict:
        ok = [s for s in self.samples if s.status in (200, 201)]
        summary = run.summarize(self.samples, self.elapsed)
        summary["errors"] = len(self.samples) - len(ok)
        return {
            "name": name,
            **summary,
            "unfinished": self.unfinished,
            "seconds": self.elapsed,
            "cpu": self.cpu,
            "error_examples": self.errors,
        }


def memory(pid: int) -> dict:
    """VmHWM (peak) and VmRSS of a process, in MiB (Linux /proc)."""
    found = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024
    return found


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


class Memory:
    """RSS of the gunicorn workers (and the db_worker) at named moments; peaks at the end."""

    def __init__(self):
        self.moments: list[dict] = []

    def snap(self, moment: str, server, worker_pid: int | None = None) -> None:
        entry = {"moment": moment, "web": {}, "worker": None}
        if server is not None and server.pid:
            for pid in children(server.pid):
                entry["web"][pid] = memory(pid)
        if worker_pid:
            entry["worker"] = memory(worker_pid)
        self.moments.append(entry)


# --------------------------------------------------------------------------- phases

NEXT_LINK = re.compile(r'href="(\?the=[^"]*(?:&amp;|&)sau=[^"]+)"[^>]*>[^<]*Sau')


def queue_phase(port, prepared, args, *, api: bool, server_pid) -> Load:
    sessions = prepared["sessions"]
    names = QUEUE_USERS

    def make(index, rng, mine):
        user = names[index % len(names)]
        headers = {"Cookie": f"sessionid={sessions[user]}"}
        if api:
            headers["Accept"] = "application/json"
        following = mine.get("next") and mine.get("depth", 0) < NEXT_DEPTH
        if following and rng.random() < FOLLOW_NEXT:
            mine["depth"] = mine.get("depth", 0) + 1
            path, label = mine["next"], f"{mine['tab']} next"
        else:
            tab = rng.choice(TABS)
            mine.update(tab=tab, depth=0)
            # The page's parameters are Vietnamese (`the`, `sau`), the API's English.
            path = f"/api/v1/staff/dossiers?tab={tab}" if api else f"/quan-tri/ho-so/?the={tab}"
            label = f"{tab} first"
            if api:
                mine["page"] = 1
        mine["next"] = None
        mine["last"] = path
        return "GET", path, headers, None, label

    def seen(index, mine, label, status, body):
        if status != 200:
            return
        if api:
            try:
                data = json.loads(body)
            except ValueError:
                return
            if data.get("next"):  # a cursor, when the API gives one
                base = mine["last"].split("?")[0]
                mine["next"] = f"{base}?tab={mine['tab']}&cursor={quote(data['next'])}"
            elif len(data.get("items", [])) == 20 and data.get("count", 0) > 20 * (
                mine.get("page", 1)
            ):
                mine["page"] = mine.get("page", 1) + 1
                mine["next"] = f"/api/v1/staff/dossiers?tab={mine['tab']}&page={mine['page']}"
        else:
            match = NEXT_LINK.search(body.decode(errors="replace"))
            if match:
                mine["next"] = "/quan-tri/ho-so/" + match.group(1).replace("&amp;", "&")

    return Load(
        port,
        make,
        clients=args.queue_clients,
        duration=args.duration,
        seen=seen,
        server_pid=server_pid,
    ).go()


def lookup_phase(port, codes, args, *, api: bool, server_pid) -> Load:
    def make(index, rng, mine):
        code = rng.choice(codes)
        if api:
            return "GET", f"/api/v1/dossiers/{quote(code)}", {}, None, "lookup api"
        return "GET", f"/tra-cuu-ho-so/?ma={quote(code)}", {}, None, "lookup page"

    return Load(
        port, make, clients=args.clients, duration=args.duration, server_pid=server_pid
    ).go()


def floor_phase(port, args, server_pid) -> Load:
    return Load(
        port,
        lambda i, rng, mine: ("GET", "/healthz", {}, None, "healthz"),
        clients=args.clients,
        duration=args.duration,
        server_pid=server_pid,
    ).go()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, kind) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def intake_phase(port, target, args, run_id, server_pid):
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()

    def make(index, rng, mine):
        n = mine["n"] = mine.get("n", 0) + 1
        key = f"{run_id}-{index}-{n}"
        mine["key"] = key
        body, kind = multipart(
            {
                "procedure": PROCEDURE,
                "resolving_agency": target["resolving"],
                "kind": "person",
                "full_name": f"Nguyễn Văn Thử {index}-{n}",
                "citizen_id": "001090012345",
                "phone": f"09{index:04d}{n % 10000:04d}",
                "email": f"bench.{key}@example.vn",
                "address": "Số 1 phố Tràng Tiền, Hà Nội",
            },
            {name: ("giay-to.pdf", PDF, "application/pdf") for name in target["files"]},
        )
        headers = {"Content-Type": kind, "Idempotency-Key": key, "Accept": "application/json"}
        return "POST", "/api/v1/dossiers", headers, body, "submit"

    def seen(index, mine, label, status, body):
        if status == 201:
            with lock:
                acknowledged[mine["key"]] = json.loads(body)["code"]

    load = Load(
        port,
        make,
        clients=args.clients,
        duration=args.duration,
        seen=seen,
        server_pid=server_pid,
    ).go()
    return load, acknowledged


def notified_dossiers(url: str, run_id: str) -> int:
    """How many of the run's dossiers have had their applicant's messages sent."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "select count(distinct e.dossier_id) from dossiers_notification n "
            "join dossiers_dossierevent e on e.id = n.event_id "
            "join dossiers_dossier d on d.id = e.dossier_id "
            "join dossiers_applicant a on a.id = d.applicant_id "
            "where a.email like %s and n.status = 'sent'",
            [f"bench.{run_id}-%"],
        ).fetchone()[0]


def drain_notifications(url: str, run_id: str, expected: int, limit: float = 180.0) -> float | None:
    """Seconds until the worker has notified every acknowledged dossier (None past `limit`)."""
    started = time.perf_counter()
    while notified_dossiers(url, run_id) < expected:
        if time.perf_counter() - started > limit:
            return None
        time.sleep(0.25)
    return time.perf_counter() - started


def check_intake(url: str, run_id: str, acknowledged: dict[str, str]) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select d.code, a.email from dossiers_dossier d join dossiers_applicant a "
            "on a.id = d.applicant_id where a.email like %s",
            [f"bench.{run_id}-%"],
        ).fetchall()
    stored = {email[len("bench.") : -len("@example.vn")]: code for code, email in rows}
    codes = [code for code, _ in rows]
    lost = [k for k, code in acknowledged.items() if stored.get(k) != code]
    unacknowledged = [k for k in stored if k not in acknowledged]
    return {
        "acknowledged": len(acknowledged),
        "stored": len(rows),
        "lost": len(lost),
        "stored_without_answer": len(unacknowledged),  # answered after the cut-off
        "codes_unique": len(set(codes)) == len(codes)
        and len(set(acknowledged.values())) == len(acknowledged),
    }


# --------------------------------------------------------------------------- report


def progress(row: dict) -> None:
    print(
        f"  {row['name']:<52} {row['throughput_rps']:>8,.1f} req/s  p50 {row['p50_ms']:.1f} ms"
        f"  p95 {row['p95_ms']:.1f} ms  errors {row['errors']}",
        flush=True,
    )
    for example in row["error_examples"][:3]:
        print(f"    error: {example}", flush=True)


def print_rows(rows: list[dict], floor_rps: float | None) -> None:
    header = (
        f"{'':<40}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'× floor':>9}{'server':>8}{'db':>6}{'client':>8}{'other':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row["throughput_rps"] / floor_rps if floor_rps else None
        row["ratio_to_floor"] = ratio
        cpu = row["cpu"]
        print(
            f"{row['name']:<40}{row['requests']:>9,}{row['errors']:>7,}"
            f"{row['throughput_rps']:>9,.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{run._ratio(ratio):>9}{cpu['server']:>8.2f}{cpu['db']:>6.2f}"
            f"{cpu['client']:>8.2f}{cpu['other']:>7.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prepare", choices=["queue", "intake"], help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_QUEUE_DATABASE_URL", QUEUE_URL)
    )
    parser.add_argument(
        "--intake-database-url", default=os.environ.get("BENCH_INTAKE_DATABASE_URL", INTAKE_URL)
    )
    parser.add_argument("--count", type=int, default=1_000_000, help="dossiers to generate")
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="seconds each (10)")
    parser.add_argument("-c", "--clients", type=int, default=16, help="intake, lookup, floor")
    parser.add_argument("--queue-clients", type=int, default=8)
    run.add_server_arguments(parser)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"),
        help="Redis for the servers' cache (its databases 14 and 15, emptied); '' for none",
    )
    parser.add_argument(
        "--only", nargs="*", choices=["floor", "queue", "api", "lookup", "intake"], default=None
    )
    args = parser.parse_args(argv)

    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.database_url), default=str))
        return 0

    why = postgres_reachable(args.database_url)
    if why:
        print(f"PostgreSQL unreachable ({why}): bench_dossiers.py skipped.")
        return 0
    phases = set(args.only or ["floor", "queue", "api", "lookup", "intake"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    caches = shared_caches(args.redis_url)
    print(f"  cache: {caches['queue'] if caches else 'locmemcache:// (no Redis)'}", flush=True)
    started = time.perf_counter()
    # The 1M-dossier database only for the phases that read it (an intake-only run needs none).
    on_queue = bool(phases & {"queue", "api", "lookup"}) or "intake" not in phases
    generated = None
    prepared: dict = {"dossiers": 0, "sessions": {}, "codes": [], "queries": {}}
    if on_queue:
        print(f"== Dossiers ({args.database_url.rsplit('/', 1)[-1]}) ==", flush=True)
        generated = ensure_queue_database(args.database_url, args.count)
        prepared = run_prepare("queue", args.database_url)
        print(
            f"  {prepared['dossiers']:,} dossiers, {len(prepared['sessions'])} accounts",
            flush=True,
        )
    rows: list[dict] = []
    breakdowns: dict[str, list[dict]] = {}
    mem = Memory()
    log_path = RESULTS / "gunicorn-dossiers.log"
    log_path.unlink(missing_ok=True)
    intake_check = None

    server = run.Gunicorn(
        database_url=args.database_url,
        workers=args.workers,
        threads=args.threads,
        log_path=log_path,
    )
    if caches:
        server.env["CACHE_URL"] = caches["queue"]
    try:
        if on_queue:
            server.start()
            mem.snap("start (queue database)", server)
        if on_queue and "floor" in phases:
            load = floor_phase(server.port, args, server.pid)
            rows.append(load.row(f"/healthz (floor), {args.clients} clients"))
            progress(rows[-1])
        for key, api in (("queue", False), ("api", True)):
            if key not in phases:
                continue
            queue_phase(
                server.port,
                prepared,
                argparse.Namespace(**{**vars(args), "duration": 2}),
                api=api,
                server_pid=None,
            )  # warm-up
            load = queue_phase(server.port, prepared, args, api=api, server_pid=server.pid)
            if load.unfinished:  # what is left running would weigh on the next phase
                server.restart()
            name = "staff API ?tab=…" if api else "/quan-tri/ho-so/?the=…"
            rows.append(load.row(f"{name}, {args.queue_clients} clients"))
            progress(rows[-1])
            breakdowns[key] = run.by_label(load.samples)
            mem.snap(f"after {key}", server)
        if "lookup" in phases:
            for api in (False, True):
                load = lookup_phase(
                    server.port, prepared["codes"], args, api=api, server_pid=server.pid
                )
                name = "lookup /api/v1/dossiers/<code>" if api else "lookup /tra-cuu-ho-so/?ma="
                rows.append(load.row(f"{name}, {args.clients} clients"))
                progress(rows[-1])
            mem.snap("after lookup", server)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        server.stop()

    if "intake" in phases:
        print(f"== Intake ({args.intake_database_url.rsplit('/', 1)[-1]}) ==", flush=True)
        target = run_prepare("intake", args.intake_database_url)
        var_dir = Path(tempfile.mkdtemp(prefix="tthc-bench-intake-"))
        (var_dir / "static").mkdir()
        env_before = dict(os.environ)
        os.environ.update(
            TTHC_DOSSIER_SUBMISSIONS_PER_HOUR="100000000",
            EMAIL_URL="dummymail://",
            TASKS_BACKEND="database",
        )
        intake_server = run.Gunicorn(
            database_url=args.intake_database_url,
            workers=args.workers,
            threads=args.threads,
            log_path=log_path,
        )
        intake_server.env["TTHC_VAR_DIR"] = str(var_dir)
        if caches:
            intake_server.env["CACHE_URL"] = caches["intake"]
        worker = None
        worker_env = {**intake_server.env, "DJANGO_SETTINGS_MODULE": "tthc.settings"}
        # The database is reused: what an earlier run left unsent (a run killed before its
        # worker drained) is sent first, or it would be this run's worker's work.
        drain_started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=log_path.open("a"),
            check=True,
        )
        print(
            f"  earlier runs' notifications drained in {time.perf_counter() - drain_started:.0f} s",
            flush=True,
        )
        try:
            worker = subprocess.Popen(
                [sys.executable, "-m", "django", "db_worker", "--interval", "0.2"],
                cwd=ROOT,
                env=worker_env,
                stdout=subprocess.DEVNULL,
                stderr=log_path.open("a"),
            )
            intake_server.start()
            mem.snap("start (intake)", intake_server, worker.pid)
            run_id = f"{datetime.now():%m%d%H%M%S}{uuid.uuid4().hex[:4]}"
            if "floor" in phases and not on_queue:  # the ratio of intake needs a floor
                load = floor_phase(intake_server.port, args, intake_server.pid)
                rows.append(load.row(f"/healthz (floor), {args.clients} clients"))
                progress(rows[-1])
            load, acknowledged = intake_phase(
                intake_server.port, target, args, run_id, intake_server.pid
            )
            rows.append(load.row(f"intake POST /api/v1/dossiers, {args.clients} clients"))
            progress(rows[-1])
            mem.snap("after intake", intake_server, worker.pid)
            notified = notified_dossiers(args.intake_database_url, run_id)
            drain = drain_notifications(args.intake_database_url, run_id, len(acknowledged))
            mem.snap("notifications drained", intake_server, worker.pid)
            intake_check = check_intake(args.intake_database_url, run_id, acknowledged)
            intake_check["notified_during_load"] = notified
            intake_check["notified_per_second"] = notified / (load.elapsed or 1.0)
            intake_check["drain_seconds"] = drain
        finally:
            intake_server.stop()
            if worker is not None:
                worker.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.wait(timeout=10)
                if worker.poll() is None:
                    worker.kill()
            os.environ.clear()
            os.environ.update(env_before)
            subprocess.run(["rm", "-rf", str(var_dir)], check=False)

    floor_rps = next((r["throughput_rps"] for r in rows if r["name"].startswith("/healthz")), None)
    held = f"{prepared['dossiers']:,} dossiers, " if on_queue else ""
    print(
        f"\n== Results: {held}gunicorn gthread "
        f"{args.workers}×{args.threads}, {args.duration:g} s each ==\n"
    )
    print_rows(rows, floor_rps)
    for key, title in (("queue", "Staff page by tab"), ("api", "Staff API by tab")):
        if key in breakdowns:
            run.print_breakdown(f"{title} (slowest first):", breakdowns[key])
    if intake_check:
        c = intake_check
        print(
            f"\nIntake: {c['acknowledged']:,} acknowledged (201), {c['stored']:,} stored, "
            f"lost {c['lost']}, stored after the cut-off {c['stored_without_answer']}, "
            f"codes unique: {'yes' if c['codes_unique'] else 'NO'}"
        )
        drained = c["drain_seconds"]
        print(
            f"Notifications (db_worker): {c['notified_during_load']:,} dossiers notified during "
            f"the load ({c['notified_per_second']:.1f}/s), the rest "
            + (f"within {drained:.1f} s after it" if drained is not None else "NOT within 180 s")
        )
    print("\nQueries per request (in-process, first page):")
    by_count: dict[int, list[str]] = defaultdict(list)
    for label, found in prepared["queries"].items():
        by_count[found["queries"]].append(label)
    for count, labels in sorted(by_count.items()):
        print(f"  {count:>3} queries: {len(labels)} pages ({', '.join(sorted(labels)[:4])}…)")
    print("\nMemory (MiB): RSS per gunicorn worker (peak VmHWM), db_worker:")
    for entry in mem.moments:
        web = ", ".join(
            f"{m.get('VmRSS', 0):.0f} (peak {m.get('VmHWM', 0):.0f})" for m in entry["web"].values()
        )
        worker_text = (
            f"; db_worker {entry['worker'].get('VmRSS', 0):.0f} "
            f"(peak {entry['worker'].get('VmHWM', 0):.0f})"
            if entry["worker"]
            else ""
        )
        print(f"  {entry['moment']:<26} web {web}{worker_text}")
    total = time.perf_counter() - started
    print(f"\nGeneration: {f'{generated:.0f} s' if generated else 'reused'}; bench {total:.0f} s.")
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": run.machine(),
        "server": {"workers": args.workers, "threads": args.threads, "cache": caches},
        "dossiers": prepared["dossiers"],
        "rows": rows,
        "breakdowns": breakdowns,
        "intake": intake_check,
        "queries": prepared["queries"],
        "memory": mem.moments,
        "generated_seconds": generated,
        "total_seconds": total,
    }
    (RESULTS / "dossiers-latest.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str)
    )
    print("Written: bench/results/dossiers-latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
