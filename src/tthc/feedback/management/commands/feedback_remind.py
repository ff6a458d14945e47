from django.core.management.base import BaseCommand

from tthc.feedback.tasks import send_reminders_task


class Command(BaseCommand):
    help = "Xếp tác vụ nhắc hạn phản ánh, kiến nghị (chạy định kỳ, ví dụ mỗi giờ, bằng cron)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Chạy ngay, không qua hàng đợi.")

    def handle(self, *args, **options):
        if options["now"]:
            result = send_reminders_task.call()
            self.stdout.write(f"Đã gửi {result['sent']} lời nhắc.")
        else:
            send_reminders_task.enqueue()
            self.stdout.write("Đã xếp tác vụ nhắc hạn.")
