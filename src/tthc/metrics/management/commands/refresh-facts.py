from django.core.management.base import BaseCommand

from tthc.metrics import facts


class Command(BaseCommand):
    help = (
        "Cập nhật số liệu hồ sơ của chỉ số 766 và báo cáo 06 từ các sự kiện của hồ sơ "
        "(--all: tính lại toàn bộ). Tác vụ định kỳ refresh_dossier_facts làm việc này mỗi phút."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="tính lại cho mọi hồ sơ")

    def handle(self, *args, **options):
        written = facts.refresh_all() if options["all"] else facts.refresh_changed().dossiers
        self.stdout.write(f"Đã cập nhật số liệu của {written} hồ sơ.")
