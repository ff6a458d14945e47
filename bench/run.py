"""HTTP benchmarks of the catalog API under gunicorn, then the deadline benchmark.

    make bench                                   # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py -c 32 -d 20    # 32 clients, 20 s per endpoint
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tthc_bench make bench

1. Makes sure a generated catalog exists (bench/generate.py; kept between runs).
2. Starts gunicorn with the shipped configuration (src/tthc/gunicorn_conf.py: gthread, a
   process per core × 2 threads) on a free port of 127.0.0.1 against it.
3. Drives each endpoint with C keep-alive clients for D seconds (after a short warm-up):
   /healthz (the framework floor), search, detail, plain listing, the procedure page (HTML)
   and its posting-sheet PDF.
4. Stops gunicorn (also on Ctrl-C or error), runs bench/bench_deadlines.py,
   bench/bench_visits.py (the cost of visitor counting) and bench/bench_index.py (the index 766
   at 1M dossiers on PostgreSQL, skipped when PostgreSQL is not reachable; --no-index).
5. Prints a table and writes bench/results/latest.json (and latest-<database>.json).

Nothing is asserted: the figures are for reading and comparing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
HOST = "127.0.0.1"

# Accented, folded, upper-case, partial ("while typing"), code-like and hit-nothing queries.
SEARCH_QUERIES = [
    "đăng ký khai sinh",
    "dang ky khai sinh",
    "ĐĂNG KÝ KẾT HÔN",
    "ket hon",
    "giấy phép xây dựng",
    "giay phep xay dung",
    "cấp lại chứng chỉ hành nghề",
    "cap lai chung chi hanh nghe",
    "gia hạn giấy phép lao động",
    "thay doi noi dung dang ky",
    "xác nhận tình trạng hôn nhân",
    "chung thuc ban sao tu ban chinh",
    "trợ cấp xã hội hằng tháng",
    "ho kinh doanh",
    "khai si",
    "giấy phép lái xe",
    "văn phòng công chứng",
    "thu hoi giay phep",
    "karaoke",
    "nhà thuốc",
    "quyen su dung dat",
    "1.00",
    "2.0001",
    "thủ tục không tồn tại xyz",
]


# --- Load generator -----------------------------------------------------------------------------
@dataclass
class Sample:
    seconds: float
    status: int
    label: str


@dataclass
class LoadResult:
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0
    unfinished: int = 0  # requests still unanswered when the run was cut off
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    database_cpu: float = 0.0  # local PostgreSQL processes
    system_cpu: float = 0.0  # every process on the machine
    error_examples: list[str] = field(default_factory=list)


def run_load(
    port,
    make_request,
    *,
    concurrency,
    duration,
    grace,
    seed,
    server_pid=None,
    postgres=False,
    headers=None,
) -> LoadResult:
    """`concurrency` threads, each with its own keep-alive connection, send GET requests for
    `duration` seconds; each request's path comes from `make_request(rng) -> (path, label)`,
    with `headers` (e.g. a signed-in session's `Cookie`) added to every request.

    Requests started before the deadline get `grace` more seconds to finish; those still
    unanswered then are counted as `unfinished` and abandoned (their threads are daemons and die
    with their connection when the server is restarted or stopped)."""
    result = LoadResult()
    sent = dict(headers or {})
    lock = threading.Lock()
    go = threading.Event()
    closed = False
    inflight: dict[int, float] = {}
    clock = {"last": 0.0}

    def record(sample: Sample, example: str | None) -> None:
        with lock:
            if closed:
                return
            result.samples.append(sample)
            clock["last"] = time.perf_counter()
            if example and len(result.error_examples) < 5:
                result.error_examples.append(example)

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        conn = None
        go.wait()
        while not closed and time.perf_counter() < deadline:
            path, label = make_request(rng)
            example = None
            started = time.perf_counter()
            inflight[index] = started
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=300)
                conn.request("GET", path, headers={"Accept": "application/json", **sent})
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
                if status != 200:
                    example = f"{status} {path}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                example = f"{type(exc).__name__} {path}: {exc}"
                if conn is not None:
                    conn.close()
                conn = None
            inflight.pop(index, None)
            record(Sample(time.perf_counter() - started, status, label), example)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    before = cpu_snapshot(server_pid, postgres=postgres)
    system_before = system_busy_cpu()
    start = time.perf_counter()
    deadline = start + duration
    go.set()
    cutoff = deadline + grace
    for thread in threads:
        thread.join(timeout=max(0.0, cutoff - time.perf_counter()))
    with lock:
        closed = True
        result.unfinished = len(inflight)
        end = max(clock["last"], deadline) if not result.unfinished else time.perf_counter()
    result.elapsed = end - start
    result.client_cpu = time.process_time() - cpu_before
    after = cpu_snapshot(server_pid, postgres=postgres)
    result.server_cpu = after["server"] - before["server"]
    result.database_cpu = after["database"] - before["database"]
    result.system_cpu = system_busy_cpu() - system_before
    return result


def time_each_query(server, page_size: int, *, timeout: float) -> list[dict]:
    """Each search query once, alone, on a fresh connection: its service time without
    queueing. A query that outlives `timeout` is abandoned and the server restarted."""
    rows = []
    for query in SEARCH_QUERIES:
        path = f"/api/v1/procedures?q={quote(query)}&page_size={page_size}"
        conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            row = {"query": query, "status": response.status}
            row["ms"] = (time.perf_counter() - started) * 1000
        except TimeoutError:
            row = {"query": query, "status": None, "ms": None}
            server.restart()
        finally:
            conn.close()
        took = "timeout" if row["ms"] is None else f"{row['ms']:,.0f} ms"
        print(f"    {query[:36]:<36} {took:>12}  HTTP {row['status'] or '–'}", flush=True)
        rows.append(row)
    return rows


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(samples: list[Sample], elapsed: float) -> dict:
    latencies = sorted(s.seconds * 1000 for s in samples)
    errors = sum(1 for s in samples if s.status != 200)
    return {
        "requests": len(samples),
        "errors": errors,
        "throughput_rps": len(samples) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else float("nan"),
    }


def by_label(samples: list[Sample]) -> list[dict]:
    groups: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for sample in samples:
        groups[sample.label].append(sample.seconds * 1000)
        errors[sample.label] += sample.status != 200
    rows = []
    for label, values in groups.items():
        values.sort()
        rows.append(
            {
                "label": label,
                "requests": len(values),
                "errors": errors[label],
                "p50_ms": percentile(values, 0.5),
                "p95_ms": percentile(values, 0.95),
            }
        )
    return sorted(rows, key=lambda row: -row["p50_ms"])


# --- Server -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cpu_snapshot(server_pid: int | None, *, postgres: bool) -> dict[str, float]:
    """CPU seconds (user + system, reaped children included) used so far by the server's
    process tree and, with `postgres`, by the local PostgreSQL servers' trees (Linux /proc)."""
    table: dict[int, tuple[int, str, float]] = {}
    if Path("/proc").is_dir():
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu = sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
            table[int(entry.name)] = (int(fields[1]), comm, cpu)

    def tree_cpu(roots: set[int]) -> float:
        tree = set(roots)
        changed = True
        while changed:
            changed = False
            for pid, (parent, _, _) in table.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        return sum(table[pid][2] for pid in tree if pid in table)

    database = 0.0
    if postgres:  # each postmaster (a postgres process whose parent is not one)
        roots = {
            pid
            for pid, (parent, comm, _) in table.items()
            if comm == "postgres" and table.get(parent, (0, "", 0.0))[1] != "postgres"
        }
        database = tree_cpu(roots)
    server = tree_cpu({server_pid}) if server_pid else 0.0
    return {"server": server, "database": database}


def system_busy_cpu() -> float:
    """CPU seconds the whole machine spent busy so far (Linux /proc/stat, all CPUs)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def add_server_arguments(parser) -> None:
    """--workers / --threads, by default those of the shipped configuration on this machine."""
    from tthc import gunicorn_conf

    parser.add_argument("--workers", type=int, default=gunicorn_conf.workers)
    parser.add_argument("--threads", type=int, default=gunicorn_conf.threads)


class Gunicorn:
    def __init__(self, *, database_url, workers, threads, log_path):
        self.port = free_port()
        self.log_path = log_path
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url,
            TTHC_VAR_DIR=str(RESULTS / "var"),
            DEBUG="0",
            TTHC_ENV="development",
            ALLOWED_HOSTS=HOST,
        )
        # The shipped configuration (src/tthc/gunicorn_conf.py); the bench only sets the port,
        # the process counts it compares and a shorter shutdown.
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:tthc.gunicorn_conf",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{self.port}",
            "--graceful-timeout",
            "3",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    def start(self, timeout: float = 60.0) -> None:
        (RESULTS / "var" / "static").mkdir(parents=True, exist_ok=True)  # whitenoise's root
        self.port = free_port()
        self.command[self.command.index("--bind") + 1] = f"{HOST}:{self.port}"
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, never orphaned
        )
        log.close()
        started = time.monotonic()
        warned = False
        answer = "no answer"
        while time.monotonic() < started + timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    self.startup_seconds = time.monotonic() - started
                    return
                answer = f"HTTP {status}"
            if not warned and time.monotonic() - started > 5:
                warned = True
                print(
                    f"  gunicorn not ready after 5 s (/healthz: {answer}); waiting, "
                    f"see {self.log_path.relative_to(ROOT)}",
                    flush=True,
                )
            time.sleep(0.1)
        raise RuntimeError(
            f"gunicorn not ready after {timeout:.0f} s (/healthz: {answer}):\n{self.log()}"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def log(self) -> str:
        try:
            return self.log_path.read_text()[-3000:]
        except OSError:
            return ""


# --- Catalog and machine ------------------------------------------------------------------------
def ensure_catalog(args, database_url: str) -> dict:
    """Generate the catalog if it is absent (or reuse it), and read its codes."""
    name = "sqlite" if not database_url else database_url.split(":", 1)[0]
    manifest_path = RESULTS / f"manifest-{name}-{args.count}.json"
    command = [
        sys.executable,
        str(BENCH / "generate.py"),
        "--count",
        str(args.count),
        "--reuse",
        "--manifest",
        str(manifest_path),
    ]
    if database_url:
        command += ["--database-url", database_url]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    manifest = json.loads(manifest_path.read_text())
    manifest["ensure_seconds"] = time.perf_counter() - started
    # The manifest names the SQLite file it made; a PostgreSQL URL is kept as given (its
    # password is not written to the manifest).
    manifest["url"] = database_url or manifest["database"]
    return manifest


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    import sqlite3

    import django
    import gunicorn

    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def run_deadlines() -> dict | None:
    script = BENCH / "bench_deadlines.py"
    if not script.exists():
        return None
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    rows = []
    for line in completed.stdout.splitlines()[1:]:
        parts = line.rsplit(maxsplit=2)
        if len(parts) == 3:
            with contextlib.suppress(ValueError):
                rows.append(
                    {
                        "case": parts[0].strip(),
                        "no_pause_per_s": float(parts[1].replace(",", "")),
                        "one_pause_per_s": float(parts[2].replace(",", "")),
                    }
                )
    return {
        "returncode": completed.returncode,
        "seconds": time.perf_counter() - started,
        "output": completed.stdout,
        "stderr": completed.stderr[-2000:],
        "rows": rows,
    }


# --- Main ---------------------------------------------------------------------------------------
def endpoints(codes: list[str], page_size: int):
    pages = max(1, math.ceil(len(codes) / page_size))

    def floor(rng):
        return "/healthz", "healthz"

    def search(rng):
        query = rng.choice(SEARCH_QUERIES)
        return f"/api/v1/procedures?q={quote(query)}&page_size={page_size}", query

    def detail(rng):
        return f"/api/v1/procedures/{quote(rng.choice(codes))}", "detail"

    def listing(rng):
        page = rng.randint(1, pages)
        fifth = min(4, (page - 1) * 5 // pages)
        label = f"pages {fifth * pages // 5 + 1}–{(fifth + 1) * pages // 5}"
        return f"/api/v1/procedures?page={page}&page_size={page_size}", label

    def procedure_page(rng):  # the public HTML page of a procedure
        return f"/thu-tuc/{quote(rng.choice(codes))}/", "page"

    def posting_pdf(rng):  # its A4 posting sheet (WeasyPrint, cached per version and process)
        return f"/niem-yet/thu-tuc/{quote(rng.choice(codes))}.pdf", "pdf"

    return [
        ("healthz", "/healthz (floor)", floor),
        ("search", f"/api/v1/procedures?q=…&page_size={page_size}", search),
        ("detail", "/api/v1/procedures/<code>", detail),
        ("list", f"/api/v1/procedures?page=N&page_size={page_size}", listing),
        ("page", "/thu-tuc/<code>/ (HTML)", procedure_page),
        ("pdf", "/niem-yet/thu-tuc/<code>.pdf", posting_pdf),
    ]


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'endpoint':<38}{'requests':>9}{'errors':>7}{'unfin.':>7}{'req/s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× floor':>9}"
        f"{'server':>8}{'db':>6}{'client':>8}{'other':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['path']:<38}{row['requests']:>9,}{row['errors']:>7,}{row['unfinished']:>7,}"
            f"{row['throughput_rps']:>9,.1f}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{_ratio(row['ratio_to_floor']):>9}"
            f"{row['server_cpu_cores']:>8.2f}{_cores(row['database_cpu_cores']):>6}"
            f"{row['client_cpu_cores']:>8.2f}"
            f"{row['other_cpu_cores']:>7.2f}"
        )


def _cores(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def print_breakdown(title: str, rows: list[dict], limit: int = 30) -> None:
    print(f"\n{title}")
    print(f"  {'':<36}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}")
    for row in rows[:limit]:
        print(
            f"  {row['label'][:36]:<36}{row['requests']:>9,}{row['errors']:>7,}"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
        )


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="clients (16)")
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="seconds each (10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first (1)")
    parser.add_argument(
        "--grace",
        type=float,
        default=5.0,
        help="seconds requests started before the end may still take (5)",
    )
    parser.add_argument("--count", type=int, default=20_000, help="catalog size (20000)")
    add_server_arguments(parser)
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL database to use (default: $BENCH_DATABASE_URL, else a SQLite file)",
    )
    parser.add_argument("--only", nargs="*", help="endpoints: healthz search detail list page pdf")
    parser.add_argument(
        "--no-deadlines", action="store_true", help="skip bench_deadlines.py and bench_visits.py"
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="skip bench_index.py (the index 766 at 1M dossiers on PostgreSQL)",
    )
    parser.add_argument(
        "--search-each",
        type=float,
        default=0,
        metavar="TIMEOUT",
        help="also time each search query alone, one at a time, up to TIMEOUT s each (off)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    signal.signal(signal.SIGTERM, _raise_interrupt)
    with contextlib.suppress(AttributeError, ValueError):
        signal.signal(signal.SIGHUP, _raise_interrupt)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    load_before = _loadavg()
    print(f"== Catalog ({args.count:,} procedures) ==", flush=True)
    catalog = ensure_catalog(args, args.database_url)
    codes = catalog["codes"]
    vendor = catalog["vendor"]
    if not codes:
        print("The catalog is empty.", file=sys.stderr)
        return 1

    (RESULTS / "gunicorn.log").unlink(missing_ok=True)
    server = Gunicorn(
        database_url=catalog["url"],
        workers=args.workers,
        threads=args.threads,
        log_path=RESULTS / "gunicorn.log",
    )
    rows: list[dict] = []
    breakdowns: dict[str, list[dict]] = {}
    search_each: list[dict] = []
    interrupted = False
    try:
        print(
            f"\n== HTTP: gunicorn gthread {args.workers}×{args.threads} on {HOST}, "
            f"{vendor}, {args.concurrency} clients × {args.duration:g} s per endpoint ==",
            flush=True,
        )
        server.start()
        # Search last: when a slow request outlives its run, the server is restarted so that
        # the abandoned work does not weigh on the next endpoint's figures.
        order = ["healthz", "detail", "list", "page", "pdf", "search"]
        selected = sorted(
            (e for e in endpoints(codes, args.page_size) if not args.only or e[0] in args.only),
            key=lambda e: order.index(e[0]),
        )
        for key, path, make_request in selected:
            if server.process is None:
                server.start()
            if args.warmup > 0:
                warm = run_load(
                    server.port,
                    make_request,
                    concurrency=args.concurrency,
                    duration=args.warmup,
                    grace=min(args.grace, 2.0),
                    seed=args.seed + 99,
                )
                if warm.unfinished:
                    server.restart()
            load = run_load(
                server.port,
                make_request,
                concurrency=args.concurrency,
                duration=args.duration,
                grace=args.grace,
                seed=args.seed,
                server_pid=server.pid,
                postgres=vendor == "postgresql",
            )
            if load.unfinished:
                server.stop()  # started again for the next endpoint, if any
            row = {"endpoint": key, "path": path, **summarize(load.samples, load.elapsed)}
            row["unfinished"] = load.unfinished
            row["seconds"] = load.elapsed
            row["server_cpu_cores"] = load.server_cpu / load.elapsed if load.elapsed else 0.0
            row["client_cpu_cores"] = load.client_cpu / load.elapsed if load.elapsed else 0.0
            row["database_cpu_cores"] = (
                load.database_cpu / load.elapsed if vendor == "postgresql" else None
            )
            other = load.system_cpu - load.server_cpu - load.client_cpu - load.database_cpu
            row["other_cpu_cores"] = max(0.0, other / load.elapsed) if load.elapsed else 0.0
            row["error_examples"] = load.error_examples
            rows.append(row)
            if key in ("search", "list"):
                breakdowns[key] = by_label(load.samples)
            print(
                f"  {path:<44} {row['throughput_rps']:>8,.1f} req/s  p50 {row['p50_ms']:.1f} ms"
                f"  errors {row['errors']}  unfinished {row['unfinished']}",
                flush=True,
            )
            for example in load.error_examples:
                print(f"    error: {example}", flush=True)
        if args.search_each:
            print("  search, one query at a time:", flush=True)
            if server.process is None:
                server.start()
            search_each = time_each_query(server, args.page_size, timeout=args.search_each)
    except KeyboardInterrupt:
        interrupted = True
        print("\nInterrupted: stopping gunicorn.", file=sys.stderr)
    finally:
        server.stop()
    rows.sort(
        key=lambda row: ["healthz", "search", "detail", "list", "page", "pdf"].index(
            row["endpoint"]
        )
    )
    floor_rps = next((r["throughput_rps"] for r in rows if r["endpoint"] == "healthz"), None)
    for row in rows:
        row["ratio_to_floor"] = row["throughput_rps"] / floor_rps if floor_rps else None

    deadlines = visits = None
    if not interrupted and not args.no_deadlines:
        print("\n== bench/bench_deadlines.py ==", flush=True)
        deadlines = run_deadlines()
        if deadlines is not None:
            print(deadlines["output"].rstrip() or deadlines["stderr"].rstrip())
        print("\n== bench/bench_visits.py ==", flush=True)
        visits = subprocess.run(
            [sys.executable, str(BENCH / "bench_visits.py")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        print(visits.stdout.rstrip() or visits.stderr.rstrip()[-2000:])
    if not interrupted and not args.no_index:
        # The index 766 at 1M dossiers (PostgreSQL only: skips itself when unreachable; its own
        # database, generated once, reused; prints its own table, writes index-latest.json).
        print("\n== bench/bench_index.py ==", flush=True)
        subprocess.run([sys.executable, str(BENCH / "bench_index.py")], cwd=ROOT, check=False)

    info = machine()
    info["loadavg_before"] = load_before
    info["loadavg_after"] = _loadavg()
    print(
        f"\n== Results: {info['nproc']} CPU ({info['cpu_model']}), {vendor}, "
        f"{catalog['procedures']:,} procedures, {args.concurrency} clients × "
        f"{args.duration:g} s ==\n"
    )
    busy = max((row["other_cpu_cores"] for row in rows), default=0.0)
    if busy > 0.25:
        print(
            f"Note: other processes used up to {busy:.2f} CPU cores during the runs "
            "(column 'other'): the figures are lower than on an idle machine.\n"
        )
    if rows:
        print_table(rows)
        if "search" in breakdowns:
            print_breakdown("Search, by query (slowest first):", breakdowns["search"])
        if "list" in breakdowns:
            print_breakdown("Listing, by page range:", sorted(breakdowns["list"], key=_page_key))
    if search_each:
        print("\nSearch, each query alone (one client, no queueing):")
        print(f"  {'':<36}{'status':>8}{'ms':>10}")
        for row in search_each:
            ms = "timeout" if row["ms"] is None else f"{row['ms']:,.0f}"
            print(f"  {row['query'][:36]:<36}{row['status'] or '–':>8}{ms:>10}")
    generated = catalog.get("generated_seconds")
    print(
        "\nCatalog generation: "
        + (f"{generated:.1f} s" if generated else "n/a (database reused, time unknown)")
        + f"; whole run {time.perf_counter() - started:.0f} s."
        + "\nserver/db/client/other = CPU cores used by gunicorn / local PostgreSQL (– for"
        + " SQLite, which runs inside the server) / this load generator / the rest of the machine."
    )

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "interrupted": interrupted,
        "machine": info,
        "database": {"vendor": vendor, "url": catalog["database"]},
        "catalog": {
            "procedures": catalog["procedures"],
            "generated_seconds": generated,
        },
        "server": {
            "command": "gunicorn tthc.wsgi:application",
            "worker_class": "gthread",
            "workers": args.workers,
            "threads": args.threads,
            "env": {"DEBUG": "0", "TTHC_ENV": "development", "ALLOWED_HOSTS": HOST},
            "startup_seconds": server.startup_seconds,
        },
        "load": {
            "client": "python threads + http.client, keep-alive",
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "page_size": args.page_size,
            "search_queries": SEARCH_QUERIES,
        },
        "endpoints": rows,
        "breakdowns": breakdowns,
        "search_each": search_each,
        "deadlines": deadlines,
        "visits": visits.stdout if visits is not None else None,
        "total_seconds": time.perf_counter() - started,
    }
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    names = ["interrupted.json"] if interrupted else ["latest.json", f"latest-{vendor}.json"]
    for name in names:  # an interrupted run does not replace the last complete one
        (RESULTS / name).write_text(text)
    print(f"Written: {(RESULTS / names[0]).relative_to(ROOT)}")
    return 130 if interrupted else 0


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _page_key(row: dict) -> int:
    return int(row["label"].split()[1].split("–")[0])


if __name__ == "__main__":
    sys.exit(main())
