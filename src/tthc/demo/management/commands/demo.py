import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tthc.demo.services import build_demo


class Command(BaseCommand):
    help = "Tạo (hoặc cập nhật) dữ liệu tỉnh mẫu: đơn vị hành chính, cơ quan, tài khoản, thủ tục."

    def handle(self, *args, **options):
        if settings.TTHC_ENV == "production":
            raise CommandError("Không tạo dữ liệu mẫu trên hệ thống thật (TTHC_ENV=production).")
        org, accounts, report = build_demo()
        self.stdout.write(
            f"Tỉnh mẫu: {org['communes']} xã/phường mới ({org['old_units']} đơn vị cũ, "
            f"{org['districts']} quận/huyện cũ), {org['agencies']} cơ quan, "
            f"{org['reception_points']} điểm tiếp nhận."
        )
        self.stdout.write(f"Thủ tục: {report.summary()}")
        password = os.environ.get("TTHC_DEMO_PASSWORD", "demo-tthc-2025")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {password}):")
        for username, role, agency in accounts:
            self.stdout.write(f"  {username:<12} {role} — {agency}")
