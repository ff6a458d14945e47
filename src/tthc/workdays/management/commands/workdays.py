"""``tthc workdays``: compute a due date, list a year's calendar, recompute open deadlines.

    tthc workdays due --start 2024-02-02T09:00 --amount 5 --unit working_days \\
        [--cutoff 15:00] [--pause START/END ...] [--as-of DATETIME] [--agency CODE] [--json]
    tthc workdays calendar 2025 [--agency CODE] [--json]
    tthc workdays recompute
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from tthc.core.errors import ApplicationError
from tthc.workdays import parsing, selectors
from tthc.workdays.registry import recompute_open_deadlines


class Command(BaseCommand):
    help = (
        "Lịch làm việc và thời hạn giải quyết: tính hạn (due), liệt kê ngày nghỉ và ngày làm "
        "bù của một năm (calendar), tính lại hạn các hồ sơ đang mở (recompute)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(
            dest="subcommand", metavar="{due,calendar,recompute}", required=True
        )

        due = commands.add_parser(
            "due",
            help="tính hạn giải quyết",
            description="Dòng đầu: hạn giải quyết (ISO 8601, có múi giờ); sau đó là diễn giải.",
        )
        due.add_argument("--start", help="thời điểm tiếp nhận, ví dụ 2024-02-02T09:00")
        due.add_argument("--amount", help="thời hạn, ví dụ 5 hoặc 1,5 (giờ)")
        due.add_argument("--unit", help="đơn vị: working_days, days, months, hours hoặc same_day")
        due.add_argument("--cutoff", help="giờ chốt tiếp nhận trong ngày (HH:MM)")
        due.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START/END",
            help="tạm dừng (yêu cầu bổ sung), lặp lại được; START/ nếu chưa kết thúc",
        )
        due.add_argument(
            "--as-of", dest="as_of", help="thời điểm tạm tính cho tạm dừng chưa kết thúc"
        )
        due.add_argument("--agency", help="mã cơ quan: dùng cả ngày điều chỉnh của cơ quan này")
        due.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help='in {"due": ..., "explanation": [...]}',
        )

        calendar = commands.add_parser(
            "calendar",
            help="ngày nghỉ trong tuần và ngày làm việc cuối tuần của một năm",
        )
        calendar.add_argument("year", help="năm, ví dụ 2025")
        calendar.add_argument("--agency", help="mã cơ quan")
        calendar.add_argument("--json", dest="as_json", action="store_true")

        commands.add_parser("recompute", help="tính lại hạn của mọi hồ sơ đang mở đã đăng ký")

    def handle(self, *args, subcommand, **options):
        try:
            getattr(self, f"_{subcommand}")(**options)
        except ApplicationError as exc:
            # the engine names the API parameter; on the command line it is an option
            raise CommandError(exc.message.replace("(as_of)", "(--as-of)")) from exc

    # ------------------------------------------------------------------ due

    def _due(self, *, start, amount, unit, cutoff, pause, as_of, agency, as_json, **_):
        received, _date_only = parsing.parse_moment(
            start, field="start", label="thời điểm tiếp nhận (--start)"
        )
        if not unit:
            raise ApplicationError(
                "Thiếu đơn vị thời hạn (--unit): working_days, days, months, hours hoặc same_day.",
                field="unit",
            )
        deadline = selectors.due_date(
            start=received,
            amount=parsing.parse_amount(amount),
            unit=unit,
            pauses=parsing.parse_pauses(pause, received=received),
            as_of=(
                parsing.parse_moment(as_of, field="as_of", label="thời điểm tạm tính (--as-of)")[0]
                if as_of
                else None
            ),
            cutoff=cutoff or None,
            agency=selectors.agency_by_code(agency),
        )
        if as_json:
            self._write_json(
                {"due": deadline.due_at.isoformat(), "explanation": deadline.explanation}
            )
            return
        self.stdout.write(deadline.due_at.isoformat())
        for line in deadline.explanation:
            self.stdout.write(line)

    # ------------------------------------------------------------------ calendar

    def _calendar(self, *, year, agency, as_json, **_):
        try:
            number = int(str(year).strip())
        except ValueError:
            raise ApplicationError(
                f"Năm không hợp lệ: '{str(year)[:20]}' (ví dụ 2025).", field="year"
            ) from None
        days = selectors.year_exceptions_as_dicts(number, selectors.agency_by_code(agency))
        if as_json:
            self._write_json([{**day, "date": day["date"].isoformat()} for day in days])
            return
        if not days:
            self.stdout.write(f"Năm {number} không có ngày nghỉ hay ngày làm bù nào.")
        for day in days:
            status = "làm việc" if day["is_working"] else "nghỉ"
            self.stdout.write(
                f"{day['date']:%d/%m/%Y}  {day['weekday']:<9} {status:<9} {day['name']}"
            )

    # ------------------------------------------------------------------ recompute

    def _recompute(self, **_):
        report = recompute_open_deadlines(
            "Tính lại thời hạn theo yêu cầu (lệnh tthc workdays recompute)"
        )
        self.stdout.write(
            f"Đã kiểm tra {report.checked} hồ sơ, thay đổi hạn {report.changed}, "
            f"lỗi {report.failed}."
        )
        if report.failed:
            raise CommandError(f"{report.failed} hồ sơ không tính lại được (xem nhật ký).")

    def _write_json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=None))
