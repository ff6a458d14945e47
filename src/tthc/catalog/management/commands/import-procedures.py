import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tthc.catalog.agency_mapping import MappingFile
from tthc.catalog.imports import discover, import_procedures
from tthc.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Nhập thủ tục hành chính từ tệp/thư mục: bản ghi chi tiết JSON của Cổng Dịch vụ công "
        "quốc gia và danh sách Excel. Chạy lại với cùng dữ liệu không tạo phiên bản mới."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="tệp .json, .xlsx hoặc thư mục chứa chúng")
        parser.add_argument("--report", help="ghi báo cáo chi tiết (JSON) vào tệp này")
        parser.add_argument("--mapping", help="tệp JSON ánh xạ thủ tục, lĩnh vực → cơ quan")
        parser.add_argument("--user", help="tên đăng nhập người thực hiện (ghi vào phiên bản)")

    def handle(self, *args, paths, report=None, mapping=None, user=None, **options):
        try:
            mapping_file = MappingFile.load(mapping) if mapping else None
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"Không có tài khoản '{user}'.")
        files, _ = discover(paths=paths)
        with tqdm(
            total=len(files),
            unit="tệp",
            desc="Nhập thủ tục",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,
        ) as bar:
            result = import_procedures(
                paths=paths, user=account, mapping=mapping_file, on_file=lambda _p: bar.update(1)
            )
        for line in result.records:
            if line.outcome == "failed":
                self.stderr.write(f"LỖI {line.source}: {'; '.join(line.problems)}")
        self.stdout.write(result.summary())
        with_problems = sum(1 for r in result.records if r.problems and r.outcome != "failed")
        if with_problems:
            self.stdout.write(
                f"{with_problems} bản ghi có thành phần không đọc được (xem --report)."
            )
        if report:
            Path(report).write_text(
                json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            self.stdout.write(f"Báo cáo: {report}")
        if result.counts["failed"]:
            raise SystemExit(1)
