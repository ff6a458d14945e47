import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tthc.content.demo import build_content_demo
from tthc.demo.decisions import build_decisions
from tthc.demo.history import build_history, summary_line
from tthc.demo.services import build_demo
from tthc.metrics.facts import refresh_all
from tthc.plans.demo import build_plan_demo


class Command(BaseCommand):
    help = (
        "Tạo (hoặc cập nhật) dữ liệu tỉnh mẫu: đơn vị hành chính, cơ quan, tài khoản, thủ tục, "
        "tin bài, sự kiện, kế hoạch truyền thông và 12 tháng hồ sơ, phản ánh kiến nghị mẫu."
    )

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
        content = build_content_demo()
        self.stdout.write(
            f"Cổng thông tin: {content['articles']} tin bài, {content['events']} sự kiện, "
            f"{content['pages']} trang mới."
        )
        plan = build_plan_demo()
        self.stdout.write(f"Kế hoạch truyền thông: {plan['title']} ({plan['tasks']} nhiệm vụ).")
        # After the other steps (procedures, accounts, desks); idempotent: adds nothing when
        # the history is already there.
        decisions = build_decisions()
        if decisions:
            self.stdout.write(f"Quyết định công bố TTHC mẫu: {decisions}.")
        self.stdout.write(summary_line(build_history()))
        # The index 766, report 06 and the late lists read the facts of every dossier.
        self.stdout.write(f"Số liệu chỉ số 766: {refresh_all():,} hồ sơ.".replace(",", "."))
        password = os.environ.get("TTHC_DEMO_PASSWORD", "demo-tthc-2025")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu: {password}):")
        for username, role, agency in accounts:
            self.stdout.write(f"  {username:<18} {role} — {agency}")
