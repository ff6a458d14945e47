from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tthc.catalog.exports import export_json, export_xlsx


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục: JSON theo lược đồ chi tiết của API, Excel theo mẫu danh sách."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("out", help="tệp kết quả")

    def handle(self, *args, out, format, **options):
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"Thư mục {path.parent} không tồn tại.")
        count = export_json(path) if format == "json" else export_xlsx(path)
        self.stdout.write(f"Đã xuất {count} thủ tục vào {path}.")
