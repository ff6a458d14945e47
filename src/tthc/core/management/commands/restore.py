import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tthc.core import backup


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và tệp tải lên từ một tệp do `tthc backup` tạo. Từ chối khi tệp "
        "hỏng (SHA-256 không khớp), khác loại cơ sở dữ liệu, hoặc nơi phục hồi không trống (trừ "
        "khi có --force); sau khi phục hồi kiểm tra lại số dòng và mã kiểm tra."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp .tar.gz do `tthc backup` tạo.")
        parser.add_argument("--database", default="default", help="Bí danh cơ sở dữ liệu.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ghi đè cơ sở dữ liệu và tệp tải lên đang có (mất dữ liệu hiện tại).",
        )
        parser.add_argument("--no-media", action="store_true", help="Không phục hồi tệp tải lên.")

    def handle(self, *args, archive, database, force, no_media, **options):
        started = time.monotonic()
        try:
            report = backup.restore(Path(archive), alias=database, force=force, media=not no_media)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        self.stdout.write(
            f"Bản sao lưu lúc {manifest['created_at']} "
            f"({backup.ENGINE_LABELS[manifest['engine']]}, Django {manifest.get('django', '?')})."
        )
        self.stdout.write(f"{'bảng':<48} {'sao lưu':>10} {'phục hồi':>10}")
        for table, expected, found in report.tables:
            self.stdout.write(f"{table:<48} {expected:>10} {found:>10}")
        self.stdout.write(
            f"Khớp: {len(report.tables)} bảng, {sum(e for _, e, _ in report.tables)} dòng, "
            f"{report.files_checked} tệp tải lên (SHA-256), "
            f"{time.monotonic() - started:.1f} giây."
        )
        if report.extra_files:
            self.stdout.write(
                self.style.WARNING(
                    f"Thư mục tệp tải lên còn {report.extra_files} tệp không có trong bản sao lưu "
                    "(giữ nguyên)."
                )
            )
