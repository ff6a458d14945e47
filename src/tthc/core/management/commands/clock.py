from django.core.management.base import BaseCommand

from tthc.core import clock


class Command(BaseCommand):
    help = (
        "Đưa các tác vụ định kỳ (đếm lượt truy cập, xuất bản theo lịch, nhắc hạn nhiệm vụ, áp dụng "
        "phiên bản thủ tục đến ngày hiệu lực) vào hàng đợi theo chu kỳ; tác vụ chạy ở `tthc db_worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Đưa mọi tác vụ vào hàng đợi một lần rồi thoát."
        )

    def handle(self, *args, once=False, **options):
        if once:
            for path in clock.tick(clock.periodic_tasks(), 0.0):
                self.stdout.write(f"Đã đưa vào hàng đợi: {path}")
            return
        clock.run_forever()
