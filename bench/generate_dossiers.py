"""Generate a province's dossiers on PostgreSQL for the benchmarks (index 766, staff queues).

    .venv/bin/python bench/generate_dossiers.py                       # 1,000,000 dossiers
    .venv/bin/python bench/generate_dossiers.py --count 50000 --database-url postgres://…/x
    .venv/bin/python bench/generate_dossiers.py --reuse               # keep what is there

What it makes, on a dedicated database (created if missing, migrated, given the demo province,
its accounts and its 140 procedures with `tthc.demo.services.build_demo`):

* dossiers over two years up to `--until` (default today), on the working days, received during
  office hours at the province's centre (province-level procedures, resolved by the department
  the catalog names) or at a ward's centre (commune-level ones, resolved by the ward); the
  online share grows from 35 % to 65 %, 3 % postal; 4 % of online submissions refused, the last
  day's still waiting; 12 % with one supplement request, 1.5 % with two; fees on 40 % of the
  procedures, paid online 15–55 %; early, on time, late (1–10 working days), withdrawn, stopped;
  apologies for most late ones; electronic results; a rating for 30 % of returned dossiers.
  Dossiers whose planned events go beyond `--until` are open (received, processing, waiting for
  a supplement or a payment, resolved but not returned) — the last weeks hold the open work.
* their applicants, checklist documents (scanned or not), `DossierAgency` rows (receiving and
  resolving), events (`submit`/`receive`, `accept`, `start`, supplements, payments, `apologise`,
  `resolve`, `return_result`, `refuse`/`withdraw`/`stop`), ratings, code counters, and the
  `DossierFact` row of each dossier as `tthc.metrics.facts.derive` computes it from those events
  (deadlines on the province's working calendar; `--check N` re-derives N random dossiers with
  the application's own code and compares every field).

Codes are `{receiving agency code}-{yymmdd}-{nnnn}`, numbered per agency and day as
`tthc.dossiers.codes` does. Rows are written with COPY in one transaction (nothing half-made on
an interruption), then `VACUUM ANALYZE`. Deterministic for given `--seed`, `--count`, `--until`.

A database that already holds dossiers is refused unless `--reuse` is given; then it is kept
as it is (and `ANALYZE`d), whatever it holds.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import queue
import random
import sys
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tthc_bench_dossiers"
CHUNK = 25_000
MANIFEST_NAME = "bench_dossiers"  # FactCursor-like marker: what was generated

# The national portal's status codes (tthc.dossiers.models.Status).
SUBMITTED, RECEIVED, NOT_RECEIVED, PROCESSING, SUPPLEMENT, AWAITING_PAYMENT = 1, 2, 3, 4, 5, 6
WITHDRAWN, STOPPED, RESOLVED, RETURNED = 7, 8, 9, 10
FINISHED = {NOT_RECEIVED, WITHDRAWN, STOPPED, RESOLVED, RETURNED}
FINISH_ORDER = ("resolve", "return_result", "stop", "refuse", "withdraw")

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thu",
    "Ngọc",
    "Quang",
    "Thanh",
    "Xuân",
    "Hoài",
    "Gia",
]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
]
STREETS = [
    "Hàng Bài",
    "Tràng Tiền",
    "Lý Thường Kiệt",
    "Phan Chu Trinh",
    "Kim Mã",
    "Đội Cấn",
    "Giảng Võ",
    "Láng Hạ",
]
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _copy_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _ts(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


def _b(value: bool | None) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _n(value) -> str:
    return "\\N" if value is None else str(value)


# --------------------------------------------------------------------------- database


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')
            print(f"  created database {name}", flush=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tthc.settings")
    os.environ.setdefault("TTHC_VAR_DIR", str(ROOT / "bench" / "results" / "var"))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --------------------------------------------------------------------------- calendar


class FastCalendar:
    """The province's working calendar as arrays (working-day index per date), so deadlines
    cost a few list lookups; the same days as `calendar_for(None)`."""

    def __init__(self, calendar, first: date, last: date, hours):
        self.first = first
        self.hours = hours
        days = (last - first).days + 1
        self.working: list[bool] = []
        self.index: list[int] = []  # working days d with first <= d <= this date
        self.by_index: list[date] = [first - timedelta(days=1)]
        count = 0
        for offset in range(days):
            day = first + timedelta(days=offset)
            is_working = calendar.is_working_day(day)
            count += is_working
            self.working.append(is_working)
            self.index.append(count)
            if is_working:
                self.by_index.append(day)
        self.working_days = self.by_index[1:]
        self.closing = hours.closing

    def _i(self, day: date) -> int:
        return (day - self.first).days

    def is_working(self, day: date) -> bool:
        return self.working[self._i(day)]

    def between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (WorkingCalendar.working_days_between)."""
        return self.index[self._i(end)] - self.index[self._i(start)]

    def add(self, day: date, count: int) -> date:
        """The count-th working day after day (add_working_days / _count_working_days)."""
        return self.by_index[self.index[self._i(day)] + count]

    def on_or_after(self, day: date) -> date:
        return day if self.is_working(day) else self.add(day, 1)

    def at_closing(self, day: date, tz) -> datetime:
        return datetime.combine(day, self.closing, tzinfo=tz)

    def deadline(self, received: datetime, amount: int, unit: str, pauses, tz):
        """(due_at, paused working days) as workdays.engine.compute_deadline computes them for
        a dossier received on a working day during office hours (no shift of the start)."""
        day = received.date()
        if unit == "working_days":
            due = self.at_closing(self.add(day, amount), tz)
        elif unit == "days":
            due = self.at_closing(self.on_or_after(day + timedelta(days=amount)), tz)
        else:
            raise ValueError(unit)
        total = 0
        for start, end in pauses:
            if start > due:
                continue
            added = self.between(start.date(), end.date())
            if added:
                due = datetime.combine(self.add(due.date(), added), due.timetz())
                total += added
        return due, total


# --------------------------------------------------------------------------- catalogue


class Catalogue:
    def __init__(self, rng: random.Random):
        from tthc.catalog.models import Procedure
        from tthc.catalog.models import Status as ProcedureStatus
        from tthc.dossiers import deadlines
        from tthc.org.models import Agency, AgencyKind, ReceptionPoint, UnitLevel

        agencies = {a.pk: a for a in Agency.objects.select_related("unit")}
        points = {p.agency_id: p.pk for p in ReceptionPoint.objects.order_by("pk")}
        self.codes = {pk: a.code for pk, a in agencies.items()}
        province_centre = next(
            a
            for a in agencies.values()
            if a.kind == AgencyKind.SERVICE_CENTRE and a.unit.level == UnitLevel.PROVINCE
        )
        # Each ward: (its committee, its centre).
        wards = []
        for a in agencies.values():
            if a.kind == AgencyKind.SERVICE_CENTRE and a.unit.level == UnitLevel.COMMUNE:
                wards.append((a.parent_id, a.pk))
        wards.sort()
        self.points = points
        self.procedures = []
        rows = (
            Procedure.objects.exclude(status=ProcedureStatus.ABOLISHED)
            .exclude(current_version=None)
            .select_related("current_version")
            .prefetch_related("agency_links")
            .order_by("code")
        )
        for p in rows:
            data = p.current_version.data
            times = {}
            for channel in (1, 2, 3):
                try:
                    amount, unit = deadlines.processing_time(data, channel)
                except Exception:  # no numeric time: such dossiers cannot be received
                    break
                if amount != int(amount) or unit.value not in ("working_days", "days"):
                    break
                times[channel] = (int(amount), unit.value)
            if len(times) < 3:
                continue
            implementing = [
                link.agency_id for link in p.agency_links.all() if link.role == "implementing"
            ]
            departments = [a for a in implementing if agencies[a].kind == AgencyKind.DEPARTMENT]
            routes = []  # (receiving agency, resolving agency)
            if p.is_commune_level:
                routes += [(centre, committee) for committee, centre in wards]
            if p.is_province_level and departments:
                routes += [(province_centre.pk, d) for d in departments]
            if not routes:
                continue
            documents = [
                _copy_text(" ".join((d.get("name") or "Giấy tờ").split())[:1000])
                for d in (data.get("documents") or [])
            ] or ["Đơn đề nghị"]
            fee = rng.choice([20_000, 50_000, 100_000, 200_000, 500_000]) * (rng.random() < 0.4)
            self.procedures.append(
                {
                    "id": p.pk,
                    "field_id": p.field_id,
                    "version": p.current_version.number,
                    "times": times,
                    "routes": routes,
                    "documents": documents,
                    "fee": fee,
                    "online": p.online_level in ("full", "partial"),
                    # Commune-level procedures are most of a province's volume.
                    "weight": 6 if p.is_commune_level else 1,
                }
            )
        weights = [p["weight"] for p in self.procedures]
        self.cumulative = []
        total = 0
        for w in weights:
            total += w
            self.cumulative.append(total)
        self.total_weight = total

    def pick(self, rng: random.Random) -> dict:
        return self.procedures[
            bisect.bisect_right(self.cumulative, rng.random() * self.total_weight)
        ]


# --------------------------------------------------------------------------- one dossier


class Generator:
    def __init__(self, *, seed: int, count: int, until: date, first_ids: dict):
        from tthc.workdays.engine import VN_TZ
        from tthc.workdays.selectors import calendar_for, office_hours

        self.rng = random.Random(seed)
        self.count = count
        self.tz = VN_TZ
        self.hours = office_hours()
        self.until = until
        self.start_day = until - timedelta(days=730)
        self.now = datetime.combine(until, dtime.min, tzinfo=VN_TZ)
        self.cal = FastCalendar(
            calendar_for(None),
            self.start_day - timedelta(days=60),
            until + timedelta(days=400),
            self.hours,
        )
        self.catalogue = Catalogue(self.rng)
        self.days = [d for d in self.cal.working_days if self.start_day <= d < until]
        # Dossiers come in day after day, as on a real server: ids and the tables' physical
        # order follow the reception day (a random order would scatter a month over the disk).
        self.plan = sorted(self.rng.choice(self.days) for _ in range(count))
        self.position = 0
        self.ids = dict(first_ids)
        self.counters: dict[tuple[int, date], int] = {}
        self.refreshed = datetime.now(tz=VN_TZ).isoformat()
        h = self.hours
        self.morning = (h.opening, h.morning_end)
        self.afternoon = (h.afternoon_start, h.closing)
        self.statistics = {"late": 0, "open": 0, "online": 0}
        self.json_return = {
            ch: _copy_text(json.dumps({"method": ch, "method_label": label}))
            for ch, label in (
                (1, "Trực tiếp"),
                (2, "Trực tuyến"),
                (3, "Dịch vụ bưu chính công ích"),
            )
        }

    def _next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _office_moment(self, day: date, rng: random.Random) -> datetime:
        """A moment of day within office hours (outside the lunch break)."""
        start, end = self.morning if rng.random() < 0.55 else self.afternoon
        lo = start.hour * 60 + start.minute
        hi = end.hour * 60 + end.minute
        minute = rng.randrange(lo, hi)
        return datetime(
            day.year,
            day.month,
            day.day,
            minute // 60,
            minute % 60,
            rng.randrange(60),
            tzinfo=self.tz,
        )

    def _later_working_moment(self, after: datetime, working_days: int, rng) -> datetime:
        """A moment `working_days` working days after `after`'s day (0: later the same day if
        possible), within office hours, strictly after `after`."""
        day = self.cal.add(after.date(), working_days) if working_days else after.date()
        if not self.cal.is_working(day):
            day = self.cal.on_or_after(day)
        for _ in range(4):
            moment = self._office_moment(day, rng)
            if moment > after:
                return moment
        moment = after + timedelta(minutes=rng.randint(5, 90))
        if moment.time() >= self.hours.closing or moment.date() != day:
            return self._office_moment(self.cal.add(day, 1), rng)
        return moment

    def dossier(self, out: dict[str, list[str]]) -> None:
        rng = self.rng
        cal = self.cal
        p = self.catalogue.pick(rng)
        receiving, resolving = rng.choice(p["routes"])
        day = self.plan[self.position]
        self.position += 1
        progress = (day - self.start_day).days / 730
        draw = rng.random()
        online_share = 0.35 + 0.30 * progress if p["online"] else 0.0
        channel = 2 if draw < online_share else (3 if draw > 0.97 else 1)
        amount, unit = p["times"][channel]
        fee = p["fee"]
        received = self._office_moment(day, rng)
        dossier_id = self._next_id("dossier")
        events: list[tuple[str, datetime, int | None, int, int, str]] = []
        # (action, at, from, to, agency, data json)

        def add(action, at, frm, to, agency, data="{}"):
            events.append((action, at, frm, to, agency, data))

        if channel == 2:
            submitted = received - timedelta(minutes=rng.randint(10, 60 * 40))
            refused = rng.random() < 0.04
            add("submit", submitted, None, SUBMITTED, receiving, None)
            if refused:
                add("refuse", received, SUBMITTED, NOT_RECEIVED, receiving)
            else:
                add("accept", received, SUBMITTED, RECEIVED, resolving)
        else:
            refused = False
            submitted = received if channel == 1 else received - timedelta(days=rng.randint(1, 3))
            add("receive", submitted if channel == 1 else received, None, RECEIVED, receiving, None)
            submitted = events[-1][1]
            received = submitted

        electronic = paid_online = False
        rated = None
        rating_at = None
        if not refused:
            last = received + timedelta(minutes=rng.randint(5, 120))
            add("start", last, RECEIVED, PROCESSING, resolving)
            base_due, _ = cal.deadline(received, amount, unit, [], self.tz)
            span = max(1, cal.between(received.date(), base_due.date()))
            requests = 0
            r = rng.random()
            if r < 0.015:
                requests = 2
            elif r < 0.135:
                requests = 1
            pauses = []
            for _ in range(requests):
                ask = self._later_working_moment(last, rng.randint(0, max(0, span * 2 // 3)), rng)
                add("request_supplement", ask, PROCESSING, SUPPLEMENT, resolving)
                back = self._later_working_moment(ask, rng.randint(1, 8), rng)
                add("complete_supplement", back, SUPPLEMENT, PROCESSING, resolving)
                pauses.append((ask, back))
                last = back
            due, _ = cal.deadline(received, amount, unit, pauses, self.tz)
            fate = rng.random()
            if fate < 0.02:
                ending = "withdraw"
            elif fate < 0.03:
                ending = "stop"
            else:
                ending = "resolve"
            kind = rng.random()
            if requests == 2 or kind < 0.14:
                offset = rng.randint(1, 10)  # late
                finish_day = cal.add(due.date(), offset)
            elif kind < 0.40:
                finish_day = due.date()  # on the day
            else:
                lo = last.date()
                choices = cal.between(lo, due.date())  # working days after lo up to due
                finish_day = cal.add(lo, rng.randint(0, max(0, choices - 1))) if choices > 1 else lo
            if finish_day < last.date():
                finish_day = last.date()
            finish = self._later_working_moment(
                last, 0 if finish_day == last.date() else cal.between(last.date(), finish_day), rng
            )
            if finish.date() == due.date() and finish > due:
                finish = due - timedelta(minutes=rng.randint(1, 60))
                if finish <= last:
                    finish = last + timedelta(seconds=30)
            if ending == "resolve" and fee:
                ask = finish - timedelta(minutes=rng.randint(20, 90))
                if ask <= last:
                    ask = last + timedelta(seconds=20)
                    finish = max(finish, ask + timedelta(seconds=40))
                paid = ask + (finish - ask) / 2
                paid_online = rng.random() < (0.55 if channel == 2 else 0.15)
                add(
                    "request_payment",
                    ask,
                    PROCESSING,
                    AWAITING_PAYMENT,
                    resolving,
                    json.dumps({"amount_vnd": fee}),
                )
                add(
                    "confirm_payment",
                    paid,
                    AWAITING_PAYMENT,
                    PROCESSING,
                    resolving,
                    '{"online": true}' if paid_online else '{"online": false}',
                )
            if finish > due and rng.random() < 0.7:
                sorry = max(last, due - timedelta(hours=rng.randint(2, 30)))
                sorry = min(sorry + timedelta(seconds=10), finish - timedelta(seconds=5))
                if sorry > last:
                    events.insert(
                        next(i for i, e in enumerate(events) if e[1] > sorry)
                        if any(e[1] > sorry for e in events)
                        else len(events),
                        ("apologise", sorry, PROCESSING, PROCESSING, resolving, "{}"),
                    )
            if ending == "resolve":
                electronic = rng.random() < (0.25 + 0.5 * progress)
                add(
                    "resolve",
                    finish,
                    PROCESSING,
                    RESOLVED,
                    resolving,
                    '{"result_code": "", "electronic": true}'
                    if electronic
                    else '{"result_code": "", "electronic": false}',
                )
                given = self._later_working_moment(finish, rng.randint(0, 3), rng)
                add(
                    "return_result", given, RESOLVED, RETURNED, resolving, self.json_return[channel]
                )
                if rng.random() < 0.3:
                    rated = rng.random() < 0.92
                    rating_at = given + timedelta(minutes=rng.randint(1, 600))
            else:
                add(
                    ending,
                    finish,
                    PROCESSING,
                    WITHDRAWN if ending == "withdraw" else STOPPED,
                    resolving,
                )

        # What has happened by `until`; the rest of the plan is the open work.
        events.sort(key=lambda e: e[1])
        events = [e for e in events if e[1] < self.now]
        if not events:  # received after the horizon: cannot happen (days < until)
            raise AssertionError("no event")
        if rating_at is not None and (rating_at >= self.now or events[-1][0] != "return_result"):
            rated = rating_at = None
        status = events[-1][3]
        accepted = any(e[0] in ("accept", "receive") for e in events)
        received_at = received if accepted else None
        if status not in FINISHED:
            self.statistics["open"] += 1
        current = resolving if accepted else receiving

        # Code: per receiving agency and submission day (tthc.dossiers.codes).
        sub_day = submitted.astimezone(self.tz).date()
        key = (receiving, sub_day)
        sequence = self.counters.get(key, 0) + 1
        self.counters[key] = sequence
        code = f"{self.catalogue.codes[receiving]}-{sub_day:%y%m%d}-{sequence:04d}"

        # The fact, as tthc.metrics.facts.derive computes it.
        actions = [e[0] for e in events]
        reqs = [e[1] for e in events if e[0] == "request_supplement"]
        comps = [e[1] for e in events if e[0] == "complete_supplement"]
        first_completed = next((at for at in comps if reqs and at >= reqs[0]), None)
        finished_at = None
        finish_action = ""
        if status in FINISHED:
            for action in FINISH_ORDER:
                hits = [e[1] for e in events if e[0] == action]
                if hits:
                    finished_at, finish_action = hits[-1], action
                    break
        resolved = "resolve" in actions
        electronic = electronic and resolved
        paid_online = paid_online and "confirm_payment" in actions
        apologies = [e[1] for e in events if e[0] == "apologise"]
        base_due_at = due_at = None
        outcome = ""
        processing_days = None
        late_days = 0
        if received_at is not None:
            base_due_at, _ = cal.deadline(received_at, amount, unit, [], self.tz)
            closed, opened = [], None
            for e in events:
                if e[0] == "request_supplement" and opened is None:
                    opened = e[1]
                elif e[0] == "complete_supplement" and opened is not None:
                    closed.append((opened, e[1]))
                    opened = None
            due_at, _ = cal.deadline(received_at, amount, unit, closed, self.tz)
            if finished_at is not None:
                until_finish = closed + ([(opened, finished_at)] if opened is not None else [])
                final_due, paused = cal.deadline(received_at, amount, unit, until_finish, self.tz)
                if len(reqs) > 1:
                    outcome = "late"
                elif finished_at.date() < final_due.date():
                    outcome = "early"
                elif finished_at <= final_due:
                    outcome = "on_time"
                else:
                    outcome = "late"
                spent = cal.between(received_at.date(), finished_at.date())
                processing_days = max(0, spent - paused)
                if finished_at > final_due:
                    late_days = max(1, cal.between(final_due.date(), finished_at.date()))
                if outcome == "late":
                    self.statistics["late"] += 1

        # Applicant.
        applicant_id = self._next_id("applicant")
        if rng.random() < 0.85:
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
            out["applicant"].append(
                f"{applicant_id}\tperson\t{name}\t0{rng.randrange(10**10, 10**11)}\t{born}\t"
                f"09{rng.randrange(10**7, 10**8)}\t\tSố {rng.randint(1, 200)} phố "
                f"{rng.choice(STREETS)}, Hà Nội\t\t\t\t\\N"
            )
        else:
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            out["applicant"].append(
                f"{applicant_id}\torganisation\t\t\t\\N\t024{rng.randrange(10**7, 10**8)}\t"
                f"lienhe{applicant_id}@example.vn\tSố {rng.randint(1, 200)} phố "
                f"{rng.choice(STREETS)}, Hà Nội\tCông ty TNHH {rng.choice(GIVEN)} "
                f"{rng.choice(GIVEN)}\t01{rng.randrange(10**7, 10**8)}\t{name}\t\\N"
            )

        secret = "".join(rng.choices(SECRET_ALPHABET, k=8))
        point = self.catalogue.points.get(receiving) if channel != 2 else None
        out["dossier"].append(
            "\t".join(
                (
                    str(dossier_id),
                    code,
                    str(p["id"]),
                    str(p["version"]),
                    str(channel),
                    _n(point),
                    str(receiving),
                    str(resolving),
                    str(current),
                    str(applicant_id),
                    secret,
                    str(fee),
                    _ts(submitted),
                    _ts(received_at),
                    f"{amount}.00",
                    unit,
                    _ts(due_at),
                    "[]",
                    _ts(apologies[-1] + timedelta(days=3) if apologies else None),
                    str(status),
                    "1",
                    "\\N",
                    _ts(submitted),
                )
            )
        )
        for role, agency in (("receiving", receiving), ("resolving", resolving)):
            out["involvement"].append(
                f"{self._next_id('involvement')}\t{role}\t{agency}\t{dossier_id}"
            )

        # Documents: the first k lines of the checklist; online ones uploaded, counter ones
        # scanned (all, some or none).
        names = p["documents"]
        k = rng.randint(1, min(len(names), 8))
        if channel == 2:
            scanned = k
        else:
            s = rng.random()
            scanned = k if s < 0.35 + 0.4 * progress else (rng.randint(0, k - 1) if s < 0.9 else 0)
        folder = f"dossiers/documents/{submitted:%Y/%m}/"
        for i in range(k):
            doc_id = self._next_id("document")
            has_file = i < scanned
            form = "electronic" if channel == 2 else ("original" if i % 2 == 0 else "copy")
            out["document"].append(
                f"{doc_id}\t{i + 1}\t{names[i]}\t{form}\t1\t"
                + (f"{folder}{doc_id}.pdf\tgiay-to-{i + 1}.pdf" if has_file else "\t")
                + f"\t{dossier_id}"
            )

        code_json = _copy_text(json.dumps({"code": code}))
        for action, at, frm, to, agency, data in events:
            out["event"].append(
                f"{self._next_id('event')}\t{_ts(at)}\t{action}\t{_n(frm)}\t{to}\t\t"
                f"{code_json if data is None else data}\t\\N\t{agency}\t{dossier_id}"
            )
        if rated is not None:
            out["rating"].append(
                f"{self._next_id('rating')}\t{_b(rated)}\t\t{_ts(rating_at)}\t{dossier_id}"
            )
        self.statistics["online"] += channel == 2
        out["fact"].append(
            "\t".join(
                (
                    str(dossier_id),
                    str(channel),
                    _ts(submitted),
                    _ts(received_at),
                    _ts(finished_at),
                    finish_action,
                    outcome,
                    _ts(base_due_at),
                    _ts(due_at),
                    str(len(reqs)),
                    _ts(reqs[0] if reqs else None),
                    _ts(first_completed),
                    _ts(reqs[1] if len(reqs) > 1 else None),
                    _n(processing_days),
                    str(late_days),
                    _b(fee > 0 or "request_payment" in actions),
                    _b(paid_online),
                    _b(resolved),
                    _b(electronic),
                    str(k),
                    str(scanned),
                    _b(rated),
                    _ts(apologies[-1] if apologies else None),
                    self.refreshed,
                    _n(p["field_id"]),
                    str(p["id"]),
                    str(receiving),
                    str(resolving),
                )
            )
        )


TABLES = {
    "applicant": (
        "dossiers_applicant",
        "id, kind, full_name, citizen_id, date_of_birth, phone, email, address, "
        "organisation_name, tax_code, representative, erased_at",
    ),
    "dossier": (
        "dossiers_dossier",
        "id, code, procedure_id, procedure_version, channel, reception_point_id, "
        "receiving_agency_id, resolving_agency_id, current_agency_id, applicant_id, "
        "lookup_secret, fee_due, submitted_at, received_at, time_amount, time_unit, due_at, "
        "due_explanation, new_appointment_at, status, current_step, assignee_id, created_at",
    ),
    "involvement": ("dossiers_dossieragency", "id, role, agency_id, dossier_id"),
    "document": (
        "dossiers_dossierdocument",
        "id, position, name, form, quantity, file, file_name, dossier_id",
    ),
    "event": (
        "dossiers_dossierevent",
        "id, at, action, from_status, to_status, note, data, actor_id, agency_id, dossier_id",
    ),
    "rating": ("dossiers_satisfactionrating", "id, satisfied, comment, at, dossier_id"),
    "fact": (
        "metrics_dossierfact",
        "dossier_id, channel, submitted_at, received_at, finished_at, finish_action, outcome, "
        "base_due_at, due_at, supplement_requests, first_request_at, first_completed_at, "
        "second_request_at, processing_days, late_days, financial_obligation, paid_online, "
        "resolved, electronic_result, documents, documents_digitised, satisfied, "
        "apologised_at, refreshed_at, field_id, procedure_id, receiving_agency_id, "
        "resolving_agency_id",
    ),
}
ORDER = ["applicant", "dossier", "involvement", "document", "event", "rating", "fact"]


def generate(*, count: int, seed: int, until: date) -> dict:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        first = {}
        for key in ORDER:
            if key == "fact":
                continue
            cursor.execute(f"select coalesce(max(id), 0) + 1 from {TABLES[key][0]}")
            first[key] = cursor.fetchone()[0]
    gen = Generator(seed=seed, count=count, until=until, first_ids=first)
    rows = dict.fromkeys(ORDER, 0)
    started = time.perf_counter()
    python_seconds = 0.0
    with transaction.atomic():
        raw = connection.connection  # psycopg 3
        with raw.cursor() as cur:
            cur.execute("set local synchronous_commit = off")
            # The generator writes consistent rows: no per-row foreign-key triggers (checked at
            # commit otherwise, one lookup per row and constraint). Needs a superuser.
            cur.execute("set local session_replication_role = replica")
            # Python builds the next chunk while PostgreSQL loads the previous one.
            chunks: queue.Queue = queue.Queue(maxsize=2)

            def produce() -> None:
                nonlocal python_seconds
                made = 0
                while made < count:
                    n = min(CHUNK, count - made)
                    out = {key: [] for key in ORDER}
                    t0 = time.perf_counter()
                    for _ in range(n):
                        gen.dossier(out)
                    python_seconds += time.perf_counter() - t0
                    made += n
                    chunks.put((n, out))
                chunks.put(None)

            producer = threading.Thread(target=produce, daemon=True)
            producer.start()
            done = 0
            while (item := chunks.get()) is not None:
                n, out = item
                for key in ORDER:
                    table, columns = TABLES[key]
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        copy.write("\n".join(out[key]) + "\n" if out[key] else "")
                    rows[key] += len(out[key])
                done += n
                elapsed = time.perf_counter() - started
                print(
                    f"\r  {done:>9,} dossiers, {sum(rows.values()):>10,} rows, "
                    f"{sum(rows.values()) / elapsed:>9,.0f} rows/s",
                    end="",
                    flush=True,
                )
            print(flush=True)
            # Code counters, identity sequences, the facts' cursor.
            counters = "\n".join(
                f"{agency}\t{day}\t{last}" for (agency, day), last in sorted(gen.counters.items())
            )
            cur.execute(
                "create temporary table bench_counter (agency_id bigint, day date, last int) "
                "on commit drop"
            )
            with cur.copy("COPY bench_counter FROM STDIN") as copy:
                copy.write(counters + "\n")
            cur.execute(
                "insert into dossiers_dossiercodecounter (agency_id, day, last) "
                "select agency_id, day, last from bench_counter "
                "on conflict (agency_id, day) do update set last = greatest("
                "dossiers_dossiercodecounter.last, excluded.last)"
            )
            for key in ORDER:
                if key == "fact":
                    continue
                table = TABLES[key][0]
                cur.execute(
                    f"select setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(select coalesce(max(id), 1) from {table}))"
                )
            cur.execute(
                "insert into metrics_factcursor (name, last_event_id, ran_at) "
                "values ('dossier_facts', (select coalesce(max(id), 0) from dossiers_dossierevent),"
                " now()) on conflict (name) do update set last_event_id = excluded.last_event_id,"
                " ran_at = excluded.ran_at"
            )
    seconds = time.perf_counter() - started
    return {
        "count": count,
        "rows": rows,
        "seconds": seconds,
        "python_seconds": python_seconds,
        "statistics": gen.statistics,
    }


def check(sample: int, seed: int) -> int:
    """Re-derive `sample` random dossiers with tthc.metrics.facts.derive; print differences."""
    from tthc.metrics import facts
    from tthc.metrics.models import DossierFact

    rng = random.Random(seed + 1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select min(id), max(id) from dossiers_dossier")
        lo, hi = cursor.fetchone()
    ids = sorted({rng.randint(lo, hi) for _ in range(sample)})
    stored = {f.pk: f for f in DossierFact.objects.filter(pk__in=ids)}
    fields = [f for f in facts.UPDATE_FIELDS if f != "refreshed_at"]
    bad = 0
    calendars: dict = {}
    for dossier in facts._dossiers(ids):
        fresh = facts.derive(dossier, calendars=calendars)
        old = stored.get(dossier.pk)
        diff = [
            f"{name}: stored {getattr(old, name, None)!r}, derived {getattr(fresh, name)!r}"
            for name in fields
            if old is None or getattr(old, name) != getattr(fresh, name)
        ]
        if diff:
            bad += 1
            if bad <= 5:
                print(f"  {dossier.code}: " + "; ".join(diff[:4]))
    print(f"  check: {len(ids) - bad}/{len(ids)} facts equal to facts.derive", flush=True)
    return bad


def build_day_totals(*, only_if_empty: bool = False) -> None:
    """The index's day totals (`metrics.DossierDay`) from the facts, as the application's
    refresh writes them."""
    from tthc.metrics import daily
    from tthc.metrics.models import DossierDay

    if only_if_empty and DossierDay.objects.exists():
        return
    started = time.perf_counter()
    rows = daily.rebuild()
    print(f"  day totals: {rows:,} rows in {time.perf_counter() - started:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_INDEX_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument(
        "--until",
        type=date.fromisoformat,
        default=date.today(),
        help="the day after the last generated day (default today)",
    )
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds dossiers")
    parser.add_argument(
        "--check",
        type=int,
        default=200,
        metavar="N",
        help="re-derive N random dossiers' facts with the application (0: skip)",
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("PostgreSQL only (COPY)")

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from tthc.catalog.models import Procedure

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from dossiers_dossier")
        existing = cursor.fetchone()[0]
    if existing:
        if not args.reuse:
            print(f"{existing:,} dossiers already there: use --reuse, or a fresh database.")
            return 2
        print(f"  reusing {existing:,} dossiers", flush=True)
        build_day_totals(only_if_empty=True)
        with connection.cursor() as cursor:
            cursor.execute("analyze")
        return 0
    if not Procedure.objects.exists():
        from tthc.demo.services import build_demo

        started = time.perf_counter()
        _org, _, report = build_demo()
        print(
            f"  demo province and catalogue ({report.summary()}) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    print(f"Generating {args.count:,} dossiers (seed {args.seed}, until {args.until})…", flush=True)
    result = generate(count=args.count, seed=args.seed, until=args.until)
    total = sum(result["rows"].values())
    print(
        f"  {total:,} rows in {result['seconds']:.0f} s ({total / result['seconds']:,.0f} rows/s, "
        f"{args.count / result['seconds']:,.0f} dossiers/s; {result['python_seconds']:.0f} s of "
        "it in Python)",
        flush=True,
    )
    print("  " + ", ".join(f"{k} {v:,}" for k, v in result["rows"].items()), flush=True)
    s = result["statistics"]
    print(
        f"  online {s['online'] / args.count:.0%}, late {s['late'] / args.count:.1%}, "
        f"open at the end {s['open']:,}",
        flush=True,
    )
    build_day_totals()
    from tthc.dossiers import queue_triggers

    started = time.perf_counter()
    synced = queue_triggers.resync(connection)  # the COPY ran with the triggers off
    print(f"  queue copies: {synced:,} rows in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    connection.close()
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("vacuum analyze")
    print(f"  vacuum analyze {time.perf_counter() - started:.0f} s", flush=True)
    if args.check:
        return 1 if check(args.check, args.seed) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
