from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tthc.org import home, selectors
from tthc.org.policy import Action, can_somewhere

# What a staff member may open from the staff home: (label, description, URL name, action).
# `None` as the action: every staff member.
TOOLS = [
    (
        _("Quản lý danh mục thủ tục"),
        _("Thêm, sửa, bãi bỏ thủ tục; lịch sử phiên bản."),
        "catalog:manage-list",
        Action.CATALOG_EDIT,
    ),
    (
        _("Quyết định công bố"),
        _("Ghi nhận quyết định công bố và ngày hiệu lực."),
        "catalog:manage-decisions",
        Action.CATALOG_PUBLISH,
    ),
    (
        _("Nhập thủ tục từ tệp"),
        _("Bản ghi của Cổng Dịch vụ công quốc gia, danh sách Excel."),
        "catalog:manage-import",
        Action.CATALOG_IMPORT,
    ),
    (
        _("Lịch làm việc"),
        _("Ngày nghỉ, ngày làm bù theo quyết định của địa phương."),
        "workdays:overrides",
        Action.CALENDAR_MANAGE,
    ),
    (
        _("Niêm yết thủ tục"),
        _("Danh mục niêm yết và bản in A4 có mã QR của từng cơ quan."),
        "catalog:posting-index",
        None,
    ),
    (
        _("Đơn giản hóa thủ tục"),
        _("Chi phí tuân thủ, phương án đơn giản hóa, theo dõi thực thi và báo cáo."),
        "simplification:staff-list",
        Action.SIMPLIFICATION_EDIT,
    ),
    (
        _("Hồ sơ một cửa"),
        _("Hàng đợi hồ sơ, tiếp nhận tại quầy, xử lý, biểu mẫu và sổ theo dõi."),
        "dossiers:staff-queue",
        Action.DOSSIER_VIEW,
    ),
    (
        _("Tra cứu hồ sơ"),
        _("Tình trạng và ngày hẹn của hồ sơ theo mã."),
        "dossiers:lookup",
        Action.DOSSIER_VIEW,
    ),
    (
        _("Phản ánh, kiến nghị"),
        _("Tiếp nhận, chuyển, trả lời và công khai phản ánh; hạn xử lý, quá hạn."),
        "feedback:staff-list",
        Action.FEEDBACK_VIEW,
    ),
    (
        _("Số liệu phản ánh, kiến nghị"),
        _("Theo loại, cơ quan, trạng thái, đúng hạn; tỷ lệ hài lòng."),
        "feedback:staff-figures",
        Action.FEEDBACK_REPORT,
    ),
    (
        _("Tin bài, sự kiện, trang thông tin"),
        _("Viết, gửi duyệt, duyệt và xuất bản tin bài; lịch xuất bản; phiên bản."),
        "wagtailadmin_home",
        Action.CONTENT_EDIT,
    ),
    (
        _("Kế hoạch truyền thông"),
        _("Nhiệm vụ được giao, báo cáo tiến độ, tổng hợp hoàn thành và quá hạn."),
        "plans:dashboard",
        Action.PLAN_VIEW,
    ),
    (
        _("Thống kê truy cập"),
        _("Lượt truy cập theo ngày, trang xem nhiều, từ khóa tìm kiếm và tìm không thấy."),
        "metrics:visits-report",
        Action.VISITS_VIEW,
    ),
    (
        _("Báo cáo tình hình, kết quả giải quyết TTHC"),
        _("Biểu 06/VPCP/KSTT theo lĩnh vực và cấp giải quyết, theo tháng, quý, năm; tải Excel."),
        "metrics:report-06",
        Action.REPORT_VIEW,
    ),
    (
        _("Chỉ số phục vụ người dân, doanh nghiệp (766)"),
        _(
            "Sáu nhóm chỉ số theo kỳ và cơ quan; danh sách hồ sơ, thủ tục, phản ánh của từng con số."
        ),
        "metrics:index-staff",
        Action.INDEX_VIEW,
    ),
    (
        _("Nhật ký truy cập và thao tác"),
        _("Ai đã xem dữ liệu cá nhân, ai đã thao tác trên hồ sơ và phản ánh."),
        "dossiers:staff-audit",
        Action.AUDIT_VIEW,
    ),
]


@login_required
def staff_home(request):
    tools = []
    for label, description, url_name, action in TOOLS:
        if action is not None and not can_somewhere(request.user, action):
            continue
        try:
            tools.append({"label": label, "description": description, "url": reverse(url_name)})
        except NoReverseMatch:  # an optional app is not installed
            continue
    memberships = selectors.memberships_of(request.user)
    return render(
        request,
        "org/staff_home.html",
        {
            "tools": tools,
            "memberships": memberships,
            "is_superuser": request.user.is_superuser,
            "panels": home.panels(request),
        },
    )
