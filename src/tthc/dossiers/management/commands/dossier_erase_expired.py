from django.core.management.base import BaseCommand

from tthc.dossiers import retention


class Command(BaseCommand):
    help = (
        "Xóa dữ liệu cá nhân của người nộp các hồ sơ đã kết thúc (từ chối, rút, dừng, đã giải "
        "quyết, đã trả kết quả) quá thời hạn lưu trữ TTHC_DOSSIER_RETENTION_DAYS (mặc định 5 năm). "
        "`tthc clock` đã tự chạy việc này mỗi ngày; lệnh này để chạy ngay hoặc xem trước."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa gì.")
        parser.add_argument("--batch-size", type=int, default=retention.DEFAULT_BATCH_SIZE)

    def handle(self, *args, **options):
        count = retention.erase_expired(
            dry_run=options["dry_run"], batch_size=max(1, options["batch_size"])
        )
        verb = "Sẽ xóa" if options["dry_run"] else "Đã xóa"
        self.stdout.write(f"{verb} dữ liệu cá nhân của người nộp {count} hồ sơ.")
