from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tthc.metrics import facts, report06
from tthc.metrics.index import Period
from tthc.org.models import Agency


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"Ngày {option} '{value}' không hợp lệ: viết theo dạng YYYY-MM-DD, ví dụ 2025-03-31."
        ) from None


class Command(BaseCommand):
    help = (
        "Xuất báo cáo Biểu số 06/VPCP/KSTT (tình hình, kết quả giải quyết TTHC) ra tệp Excel "
        "cho một kỳ, toàn tỉnh hoặc một cơ quan (cùng các cơ quan trực thuộc)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="ngày đầu kỳ, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="ngày cuối kỳ, YYYY-MM-DD")
        parser.add_argument("--agency", default="", help="mã định danh của cơ quan giải quyết")
        parser.add_argument("--out", required=True, help="tệp .xlsx sẽ ghi")
        parser.add_argument(
            "--no-refresh",
            action="store_true",
            help="không cập nhật số liệu hồ sơ trước khi lập (tác vụ định kỳ vẫn làm mỗi phút)",
        )

    def handle(self, *args, **options):
        start = _day(options["start"], "--from")
        end = _day(options["end"], "--to")
        if start > end:
            raise CommandError("Ngày --from phải trước hoặc trùng ngày --to.")
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"].strip()).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan nào có mã định danh '{options['agency']}'.")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Thư mục {out.parent} không tồn tại.")
        if not options["no_refresh"]:
            facts.refresh_changed()
        report = report06.build(Period(start, end), agency)
        try:
            out.write_bytes(report06.xlsx(report))
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {out}: {exc.strerror}.") from None
        total = report.total
        self.stdout.write(
            f"Đã ghi {out}: {total.received} hồ sơ nhận giải quyết, {total.resolved} đã giải "
            f"quyết, {total.pending} đang giải quyết."
        )
