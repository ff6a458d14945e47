"""Administrative units, agencies, reception points and staff roles (DOMAIN §3).

Units are dated records: the 2025 reorganisation (no district level, merged communes and
provinces) ends a unit's validity and links it to its successors; nothing is overwritten, so a
dossier or report from before keeps pointing at the unit it was filed under.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tthc.core.models import TimeStampedModel


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    DISTRICT = "district", "Cấp huyện"
    COMMUNE = "commune", "Cấp xã"


class AdministrativeUnit(TimeStampedModel):
    code = models.CharField("mã đơn vị hành chính", max_length=10)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField(
        "loại", max_length=40, help_text="tỉnh, thành phố, huyện, xã, phường, đặc khu…"
    )
    level = models.CharField("cấp", max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="thuộc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hết hiệu lực từ", null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name="đơn vị kế thừa",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )
    legal_basis = models.CharField("căn cứ", max_length=200, blank=True)

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_per_period"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân"
    OFFICE = "office", "Văn phòng"
    DEPARTMENT = "department", "Sở, ban, ngành"
    SERVICE_CENTRE = "service_centre", "Trung tâm Phục vụ hành chính công"
    BRANCH = "branch", "Chi nhánh, đơn vị trực thuộc"
    CENTRAL = "central", "Cơ quan trung ương đóng trên địa bàn"
    OTHER = "other", "Khác"


class Agency(TimeStampedModel):
    code = models.CharField(
        "mã định danh điện tử",
        max_length=40,
        unique=True,
        help_text="Mã định danh dùng trao đổi dữ liệu, ví dụ 000.00.15.H15",
    )
    name = models.CharField("tên cơ quan", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    kind = models.CharField("loại", max_length=30, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name="địa bàn phục vụ",
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    website = models.URLField("trang thông tin", blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["unit__level", "name"]

    def __str__(self) -> str:
        return self.name


class ReceptionPoint(TimeStampedModel):
    """Where dossiers are received (Bộ phận Một cửa, a service centre or one of its branches)."""

    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="reception_points"
    )
    name = models.CharField("tên", max_length=255)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    opening_hours = models.CharField("giờ tiếp nhận", max_length=200, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "điểm tiếp nhận"
        verbose_name_plural = "điểm tiếp nhận"
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", "Công chức tiếp nhận"
    SPECIALIST = "specialist", "Chuyên viên xử lý"
    AGENCY_LEADER = "agency_leader", "Lãnh đạo cơ quan"
    CONTROL_OFFICER = "control_officer", "Cán bộ kiểm soát TTHC"
    EDITOR = "editor", "Biên tập viên"
    ADMINISTRATOR = "administrator", "Quản trị hệ thống"


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "vai trò tại cơ quan"
        verbose_name_plural = "vai trò tại cơ quan"
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="one_role_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
