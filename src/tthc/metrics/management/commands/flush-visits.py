"""`tthc flush-visits`: move the live visit counts into the database now (what the clock's
periodic task does every minute)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tthc.metrics.services import flush_visits
from tthc.metrics.store import StoreUnavailable


class Command(BaseCommand):
    help = "Ghi số liệu truy cập đang chờ (Redis hoặc bộ nhớ tiến trình) vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        if not getattr(settings, "TTHC_VISITS_REDIS_URL", ""):
            self.stderr.write(
                "Chưa đặt TTHC_VISITS_REDIS_URL: số liệu nằm trong bộ nhớ của tiến trình web, "
                "tiến trình web tự ghi mỗi phút; lệnh này không thấy chúng."
            )
        try:
            result = flush_visits()
        except StoreUnavailable as exc:
            raise CommandError(f"Không kết nối được Redis: {exc}") from exc
        if result.busy:
            self.stdout.write("Một lần ghi khác đang chạy; bỏ qua.")
        elif not result.batch:
            self.stdout.write("Không có số liệu mới.")
        else:
            self.stdout.write(
                f"Đã ghi: {result.visitors} lượt khách, {result.page_views} lượt xem trang, "
                f"{result.pages} trang, {result.searches} lượt tìm kiếm"
                + ("" if result.applied else " (lô này đã được ghi trước đó, không cộng lại)")
                + "."
            )
