from django.core.management.base import BaseCommand

from tthc.feedback import services


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu cá nhân của người gửi phản ánh đã kết thúc (từ chối hoặc đã công khai) "
        "trước thời hạn lưu trữ TTHC_FEEDBACK_RETENTION_DAYS (mặc định 5 năm). Chạy định kỳ, "
        "ví dụ mỗi ngày, bằng cron hoặc systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xóa gì.")

    def handle(self, *args, **options):
        codes = services.erase_expired(dry_run=options["dry_run"])
        verb = "Sẽ xóa" if options["dry_run"] else "Đã xóa"
        self.stdout.write(f"{verb} dữ liệu cá nhân của {len(codes)} phản ánh, kiến nghị.")
        for code in codes:
            self.stdout.write(f"  {code}")
