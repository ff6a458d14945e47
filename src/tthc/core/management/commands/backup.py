import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tthc.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và mọi tệp tải lên vào một tệp .tar.gz (kèm manifest.json: thời "
        "điểm, loại cơ sở dữ liệu, trạng thái migration, số dòng mỗi bảng, SHA-256 mỗi tệp). "
        "Chạy được khi trang đang hoạt động (docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", help="Tệp .tar.gz cần tạo, hoặc một thư mục (tên tệp theo ngày giờ)."
        )
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu.")
        parser.add_argument(
            "--no-media", action="store_true", help="Không chép tệp tải lên (chỉ cơ sở dữ liệu)."
        )

    def handle(self, *args, out, database, no_media, **options):
        started = time.monotonic()
        try:
            manifest = backup.create(Path(out), alias=database, media=not no_media)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        archive = Path(manifest["archive"])
        rows = sum(manifest["tables"].values())
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"Đã sao lưu vào {archive}: {archive.stat().st_size / 1024 / 1024:.1f} MB, "
            f"{backup.ENGINE_LABELS[manifest['engine']]}, {len(manifest['tables'])} bảng, "
            f"{rows} dòng, {media} tệp tải lên, {time.monotonic() - started:.1f} giây."
        )
