"""Fault test (`make fault`, issue 13): real gunicorn + `tthc db_worker` on PostgreSQL, 50
concurrent clients submitting online dossiers through the public API while the script kills -9
the worker and a web process, then stops and starts PostgreSQL. Not part of pytest: it needs real
processes and restarts the machine's PostgreSQL server (shared: run it on purpose, not in CI).

What must hold (exit 1 otherwise), printed at the end:
- every acknowledged submission (201) is stored exactly once: its code is in the database, one
  dossier per `Idempotency-Key`, no dossier of ours without an acknowledgement, codes unique;
- each submission's e-mail is sent exactly once (counted in the files of Django's file e-mail
  backend after the worker has drained) and its SMS row is sent;
- while PostgreSQL is down the API answers 503 with the Vietnamese message (never 500, never a
  hang), and once it is up submissions succeed again with no process restarted for it.

Environment: `FAULT_PG` (server, default postgres://postgres@127.0.0.1:5432), `FAULT_DB`
(default tthc_fault, dropped and created each run), `FAULT_CLIENTS` (50),
`FAULT_PER_CLIENT` (4), `FAULT_WEB_WORKERS` (4), `FAULT_DOWN_SECONDS` (5).
"""

from __future__ import annotations

import email
import email.header
import glob
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("FAULT_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("FAULT_DB", "tthc_fault")
CLIENTS = int(os.environ.get("FAULT_CLIENTS", "50"))
PER_CLIENT = int(os.environ.get("FAULT_PER_CLIENT", "4"))
WEB_WORKERS = int(os.environ.get("FAULT_WEB_WORKERS", "4"))
DOWN_SECONDS = float(os.environ.get("FAULT_DOWN_SECONDS", "5"))
PROCEDURE = "1.001193"  # khai sinh, online in the demo province
MESSAGE = "Hệ thống đang tạm gián đoạn kết nối cơ sở dữ liệu"
REQUEST_TIMEOUT = 15  # seconds: a request that takes longer counts as a hang
CLAIM_SECONDS = 5  # TTHC_SUBMISSION_CLAIM_SECONDS: a claim left by a killed process expires
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EMAIL_PREFIX = "fault."

PG_VERSION = sorted(os.listdir("/etc/postgresql"))[0] if os.path.isdir("/etc/postgresql") else ""


T0 = time.monotonic()


def log(text: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {text}", flush=True)


# ------------------------------------------------------------------------------ environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_env(var_dir: Path, mail_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{PG}/{DB}",
            "TTHC_VAR_DIR": str(var_dir),
            "DEBUG": "false",
            "TASKS_BACKEND": "database",
            "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
            "TTHC_DOSSIER_SUBMISSIONS_PER_HOUR": "1000000",
            "TTHC_SUBMISSION_CLAIM_SECONDS": str(CLAIM_SECONDS),
            "TTHC_LOG_LEVEL": "WARNING",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "tthc.settings",
        }
    )
    return env


def pg_ready() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False
        ).returncode
        == 0
    )


def pg_ctl(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", action],
        check=True,
        capture_output=True,
    )


def ensure_pg_running() -> None:
    if not pg_ready():
        log("PostgreSQL không chạy: khởi động lại")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "start"],
            check=False,
        )
    for _ in range(30):
        if pg_ready():
            return
        time.sleep(1)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def run_tthc(env, *args: str) -> None:
    subprocess.run([str(BIN / "tthc"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


# ------------------------------------------------------------------------------ the clients


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    attempted: int = 0
    acknowledged: dict[str, str] = field(default_factory=dict)  # key -> code
    emails: dict[str, str] = field(default_factory=dict)  # key -> applicant e-mail
    retries: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)


class Target:
    procedure = PROCEDURE
    resolving = ""
    files: list[str] = []


def submit(base: str, client: int, n: int, stats: Stats, stop: threading.Event) -> None:
    key = f"fault-{client}-{n}-{uuid.uuid4().hex[:8]}"
    address = f"{EMAIL_PREFIX}{client}.{n}@example.vn"
    data = {
        "procedure": Target.procedure,
        "resolving_agency": Target.resolving,
        "kind": "person",
        "full_name": f"Nguyễn Văn Thử {client}-{n}",
        "citizen_id": "001090012345",
        "phone": f"09{client:04d}{n:04d}",
        "email": address,
        "address": "Số 1 phố Tràng Tiền, Hà Nội",
    }
    with stats.lock:
        stats.attempted += 1
        stats.emails[key] = address
    session = requests.Session()
    pause = 0.3
    deadline = time.monotonic() + 150
    first = True
    while time.monotonic() < deadline and not stop.is_set():
        if not first:
            with stats.lock:
                stats.retries += 1
            time.sleep(pause + random.random() * pause)
            pause = min(pause * 1.6, 3.0)
        first = False
        files = {name: ("giay-to.pdf", PDF, "application/pdf") for name in Target.files}
        try:
            response = session.post(
                f"{base}/api/v1/dossiers",
                data=data,
                files=files,
                headers={"Idempotency-Key": key},
                timeout=REQUEST_TIMEOUT,
            )
        except requests.Timeout:
            with stats.lock:
                stats.statuses["timeout"] += 1
            continue
        except requests.ConnectionError:
            with stats.lock:
                stats.statuses["connection error"] += 1
            session = requests.Session()
            continue
        with stats.lock:
            stats.statuses[response.status_code] += 1
        if response.status_code == 201:
            code = response.json()["code"]
            with stats.lock:
                previous = stats.acknowledged.get(key)
                if previous and previous != code:
                    stats.failures.append(f"khóa {key}: hai mã {previous} và {code}")
                stats.acknowledged[key] = code
            return
        if response.status_code == 503:
            body = response.json()
            if body.get("code") != "service_unavailable" or MESSAGE not in body.get("detail", ""):
                with stats.lock:
                    stats.failures.append(f"503 không đúng dạng: {body}")
            continue
        if response.status_code == 409 and "submission_in_progress" in response.text:
            continue  # a claim left by a killed process: expires after CLAIM_SECONDS
        if response.status_code in (502, 504):
            continue
        with stats.lock:
            stats.failures.append(f"khóa {key}: {response.status_code} {response.text[:300]}")
        return
    with stats.lock:
        stats.given_up.append(key)


def client_loop(base, client, stats, stop):
    for n in range(PER_CLIENT):
        if stop.is_set():
            return
        submit(base, client, n, stats, stop)


# ------------------------------------------------------------------------------ the probe


@dataclass
class Probe:
    statuses: Counter = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    outage_503: int = 0
    slowest: float = 0.0


def probe_outage(base: str, probe: Probe, until: threading.Event) -> None:
    """While PostgreSQL is down: every answer must be a quick 503 with the message."""
    while not until.is_set():
        started = time.monotonic()
        try:
            response = requests.get(f"{base}/api/v1/procedures", timeout=REQUEST_TIMEOUT)
        except requests.RequestException as exc:
            probe.bad.append(f"không trả lời: {exc.__class__.__name__}")
            continue
        elapsed = time.monotonic() - started
        probe.slowest = max(probe.slowest, elapsed)
        probe.statuses[response.status_code] += 1
        if response.status_code == 503:
            body = response.json()
            if body.get("code") == "service_unavailable" and MESSAGE in body.get("detail", ""):
                probe.outage_503 += 1
            else:
                probe.bad.append(f"503 không đúng dạng: {body}")
            if not response.headers.get("Retry-After"):
                probe.bad.append("503 thiếu Retry-After")
        elif response.status_code >= 500:
            probe.bad.append(f"{response.status_code}: {response.text[:200]}")
        page = requests.get(f"{base}/thu-tuc/", timeout=REQUEST_TIMEOUT)
        if page.status_code >= 500:
            probe.statuses[f"page {page.status_code}"] += 1
            if page.status_code != 503 or MESSAGE not in page.text:
                probe.bad.append(f"trang {page.status_code}")
        time.sleep(0.2)


def wait_until(predicate, timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except requests.RequestException:
            pass
        time.sleep(step)
    return False


# ------------------------------------------------------------------------------ e-mails


def read_mails(mail_dir: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every message the file backend wrote."""
    found = []
    separator = b"\n" + b"-" * 79 + b"\n"
    for path in glob.glob(str(mail_dir / "*.log")):
        for chunk in Path(path).read_bytes().split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip(b"\n"))
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            found.append((message["To"], subject))
    return found


# ------------------------------------------------------------------------------ the run


def main() -> int:
    if not PG_VERSION:
        print("Không thấy /etc/postgresql: cần PostgreSQL cài trên máy này.", file=sys.stderr)
        return 2
    ensure_pg_running()
    work = Path(tempfile.mkdtemp(prefix="tthc-fault-"))
    var_dir, mail_dir = work / "var", work / "mail"
    var_dir.mkdir()
    mail_dir.mkdir()
    env = build_env(var_dir, mail_dir)
    os.environ.update(env)
    started = time.monotonic()
    processes: dict[str, subprocess.Popen] = {}
    violations: list[str] = []
    figures: dict[str, object] = {}
    stats, probe = Stats(), Probe()

    def start_worker(name: str) -> subprocess.Popen:
        out = open(work / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            [str(BIN / "tthc"), "db_worker", "--no-reload", "--interval", "0.2", "-v", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    try:
        log(f"Cơ sở dữ liệu {DB} mới, migrate, tỉnh mẫu ...")
        fresh_database()
        run_tthc(env, "migrate", "--noinput", "-v", "0")
        run_tthc(env, "demo")
        figures["setup_seconds"] = round(time.monotonic() - started, 1)

        import django

        django.setup()
        from django.db import connections

        from tthc.dossiers import routing, selectors

        offer = selectors.online_offer(PROCEDURE)
        resolving = next(a for a in offer.resolving if routing.desks(offer.procedure, a))
        Target.resolving = resolving.code
        Target.files = [row["field"] for row in offer.documents if not row["optional"]]
        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web_log = open(work / "gunicorn.log", "wb")  # noqa: SIM115
        processes["web"] = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                "python:tthc.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WEB_WORKERS),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            env=env,
            stdout=web_log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        processes["worker"] = start_worker("worker-1")
        if not wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 30):
            raise RuntimeError("gunicorn không khởi động được")
        log(f"gunicorn ({WEB_WORKERS} tiến trình) tại {base}, db_worker chạy")

        stop = threading.Event()
        threads = [
            threading.Thread(target=client_loop, args=(base, c, stats, stop), daemon=True)
            for c in range(CLIENTS)
        ]
        total = CLIENTS * PER_CLIENT
        run_started = time.monotonic()
        for thread in threads:
            thread.start()

        # 1. Midway through the first third: kill -9 the worker and one web process.
        wait_until(lambda: len(stats.acknowledged) >= total // 4, 60)
        victim = random.choice(children(processes["web"].pid))
        os.kill(processes["worker"].pid, signal.SIGKILL)
        os.kill(victim, signal.SIGKILL)
        processes["worker"].wait()
        log(
            f"kill -9 db_worker và tiến trình web {victim} "
            f"(đã xác nhận {len(stats.acknowledged)}/{total})"
        )
        time.sleep(1)
        processes["worker"] = start_worker("worker-2")  # as a supervisor would
        log("db_worker khởi động lại (như trình giám sát)")

        # 2. Then PostgreSQL down for a few seconds, and up again.
        wait_until(lambda: len(stats.acknowledged) >= total // 2, 60)
        web_pids = sorted(children(processes["web"].pid))
        worker_pid = processes["worker"].pid
        acked_before = len(stats.acknowledged)
        log(f"Dừng PostgreSQL (đã xác nhận {acked_before}/{total}) ...")
        pg_ctl("stop")
        down_at = time.monotonic()
        acked_before = len(stats.acknowledged)  # those in flight while it shut down are done
        outage = threading.Event()
        probing = threading.Thread(target=probe_outage, args=(base, probe, outage), daemon=True)
        probing.start()
        time.sleep(DOWN_SECONDS)
        outage.set()
        probing.join(REQUEST_TIMEOUT * 2 + 5)
        acked_during = len(stats.acknowledged) - acked_before
        pg_ctl("start")
        up_at = time.monotonic()
        log(f"PostgreSQL chạy lại sau {up_at - down_at:.1f} giây")

        def submissions_work() -> bool:
            return (
                requests.get(f"{base}/api/v1/procedures", timeout=REQUEST_TIMEOUT).status_code
                == 200
            )

        api_back = wait_until(submissions_work, 60, step=0.1)
        api_recovery = time.monotonic() - up_at
        acked_at_up = len(stats.acknowledged)
        wait_until(lambda: len(stats.acknowledged) > acked_at_up, 60, step=0.1)
        submit_recovery = time.monotonic() - up_at
        if acked_during:
            violations.append(f"{acked_during} hồ sơ được xác nhận khi PostgreSQL đã dừng")
        if not api_back:
            violations.append("API không hoạt động lại sau khi PostgreSQL chạy lại")
        if sorted(children(processes["web"].pid)) != web_pids:
            violations.append("tiến trình web đã bị thay trong lúc PostgreSQL dừng")
        if processes["worker"].poll() is not None or processes["worker"].pid != worker_pid:
            violations.append("db_worker đã chết khi PostgreSQL khởi động lại")

        for thread in threads:
            thread.join(200)
        stop.set()
        run_seconds = time.monotonic() - run_started
        log(f"Các client xong sau {run_seconds:.0f} giây; chờ tiến trình nền gửi hết thông báo")

        # 3. Drain: every acknowledged dossier's notifications sent.
        from tthc.dossiers.models import Dossier, Notification, SubmissionKey

        connections.close_all()
        codes = set(stats.acknowledged.values())

        def drained() -> bool:
            rows = Notification.objects.filter(event__dossier__code__in=codes)
            return rows.count() == 2 * len(codes) and not rows.exclude(status="sent").exists()

        drain_started = time.monotonic()
        is_drained = wait_until(drained, 60, step=0.5)
        drain_seconds = time.monotonic() - drain_started
        if processes["worker"].poll() is not None:
            violations.append("db_worker đã dừng")
        time.sleep(1)  # the last file the backend writes

        # 4. The checks.
        ours = Dossier.objects.filter(applicant__email__startswith=EMAIL_PREFIX)
        stored = dict(ours.values_list("code", "applicant__email"))
        keys = dict(
            SubmissionKey.objects.filter(key__in=list(stats.emails)).values_list(
                "key", "dossier__code"
            )
        )
        for key, code in stats.acknowledged.items():
            if code not in stored:
                violations.append(f"hồ sơ đã xác nhận {code} không có trong cơ sở dữ liệu")
            elif stored[code] != stats.emails[key]:
                violations.append(f"hồ sơ {code} không phải của khóa {key}")
            if keys.get(key) != code:
                violations.append(f"khóa {key} trỏ tới {keys.get(key)}, đã xác nhận {code}")
        per_address = Counter(stored.values())
        for address, count in per_address.items():
            if count != 1:
                violations.append(f"{count} hồ sơ cho {address} (trùng)")
        unacknowledged = set(stored) - codes
        if unacknowledged:
            violations.append(f"{len(unacknowledged)} hồ sơ lưu mà không ai nhận được mã")
        if len(codes) != len(stats.acknowledged):
            violations.append("mã hồ sơ trùng giữa các lần nộp")
        if not is_drained:
            left = Notification.objects.filter(event__dossier__code__in=codes).exclude(
                status="sent"
            )
            violations.append(
                f"thông báo chưa gửi sau 60 giây: {left.count()} dòng chưa gửi, "
                f"{Notification.objects.filter(event__dossier__code__in=codes).count()} dòng"
            )
        mails = [(to, subject) for to, subject in read_mails(mail_dir) if to.startswith("fault.")]
        per_dossier: dict[str, int] = defaultdict(int)
        for to, subject in mails:
            code = subject[1 : subject.index("]")]
            per_dossier[code] += 1
            if stored.get(code) != to:
                violations.append(f"thư {subject!r} gửi nhầm tới {to}")
        duplicated = {c: n for c, n in per_dossier.items() if n > 1}
        missing = codes - set(per_dossier)
        if duplicated:
            violations.append(f"thư gửi trùng: {duplicated}")
        if missing:
            violations.append(f"{len(missing)} hồ sơ chưa có thư: {sorted(missing)[:5]}")
        if probe.outage_503 == 0:
            violations.append("không thấy câu trả lời 503 nào khi PostgreSQL dừng")
        if probe.bad:
            violations.append(f"trong lúc dừng: {Counter(probe.bad).most_common(5)}")
        if stats.failures:
            violations.append(f"lỗi phía client: {stats.failures[:5]}")
        if stats.given_up:
            violations.append(f"{len(stats.given_up)} lần nộp không được xác nhận trong hạn")
        if stats.statuses.get(500):
            violations.append(f"{stats.statuses[500]} câu trả lời 500")

        figures.update(
            {
                "clients": CLIENTS,
                "submissions_attempted": stats.attempted,
                "submissions_acknowledged": len(stats.acknowledged),
                "retries_same_key": stats.retries,
                "answers_seen_by_clients": {
                    str(k): v for k, v in sorted(stats.statuses.items(), key=str)
                },
                "dossiers_stored": len(stored),
                "distinct_codes": len(codes),
                "emails_sent": len(mails),
                "emails_duplicated": sum(n - 1 for n in duplicated.values()),
                "emails_missing": len(missing),
                "sms_rows_sent": Notification.objects.filter(
                    event__dossier__code__in=codes, channel="sms", status="sent"
                ).count(),
                "postgres_down_seconds": round(up_at - down_at, 1),
                "probe_503_during_outage": probe.outage_503,
                "probe_answers_during_outage": {str(k): v for k, v in probe.statuses.items()},
                "slowest_answer_during_outage_s": round(probe.slowest, 2),
                "acknowledged_while_down": acked_during,  # must stay 0
                "api_recovery_seconds": round(api_recovery, 2),
                "first_submission_after_restart_s": round(submit_recovery, 2),
                "notifications_drain_seconds": round(drain_seconds, 1),
                "load_seconds": round(run_seconds, 1),
                "total_seconds": round(time.monotonic() - started, 1),
            }
        )
    except Exception as exc:  # the run itself broke: report it as a violation
        violations.append(f"kịch bản lỗi: {exc.__class__.__name__}: {exc}")
        import traceback

        traceback.print_exc()
    finally:
        ensure_pg_running()
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    print("\n== Kiểm thử sự cố (make fault) ==")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if violations:
        print(f"\nVI PHẠM ({len(violations)}):")
        for violation in violations:
            print(f"  - {violation}")
        print(f"Nhật ký tiến trình: {work}")
        return 1
    print("\nĐạt: mọi hồ sơ đã xác nhận được lưu đúng một lần, mỗi thông báo gửi đúng một lần.")
    shutil.rmtree(work, ignore_errors=True)
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    except Exception:
        pass
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
