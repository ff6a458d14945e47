from django.core.management.base import BaseCommand

from tthc.content import services


class Command(BaseCommand):
    help = (
        "Đồng bộ nhóm “Biên tập viên” của Wagtail với vai trò trong tổ chức: thêm tài khoản có "
        "vai trò biên tập viên hoặc quản trị hệ thống, bỏ tài khoản không còn vai trò đó. Việc "
        "này cũng tự chạy mỗi khi cán bộ đăng nhập."
    )

    def handle(self, *args, **options):
        members, removed = services.sync_all_editor_groups()
        self.stdout.write(
            f"Nhóm biên tập viên có {members} tài khoản; đã bỏ {removed} tài khoản không còn vai trò."
        )
