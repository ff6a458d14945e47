from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tthc.catalog import services
from tthc.catalog.tasks import apply_due_versions_task


class Command(BaseCommand):
    help = (
        "Áp dụng các phiên bản thủ tục đã đến ngày hiệu lực (công bố theo quyết định có hiệu lực "
        "sau ngày lưu). Chạy hằng ngày sau 00:00 (cron hoặc systemd timer); chạy lại không đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="ngày coi là hôm nay, dạng yyyy-mm-dd (mặc định: hôm nay)"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="đưa vào hàng đợi tác vụ nền thay vì chạy ngay",
        )

    def handle(self, *args, date=None, queue=False, **options):
        if queue:
            result = apply_due_versions_task.enqueue()
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        today = self._parse(date) if date else timezone.localdate()
        applied = services.apply_due_versions(today=today)
        for version in applied:
            self.stdout.write(f"{version.procedure.code}: áp dụng phiên bản {version.number}")
        self.stdout.write(f"Đã áp dụng {len(applied)} phiên bản đến hạn ngày {today:%d/%m/%Y}.")

    @staticmethod
    def _parse(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"Ngày '{value}' không đúng dạng yyyy-mm-dd.") from exc
