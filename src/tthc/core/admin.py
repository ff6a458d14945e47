from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from tthc.core.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Thông tin cán bộ", {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")


def _superusers_only(request) -> bool:
    # Day-to-day work goes through the role-checked staff screens (tthc.org.policy); the Django
    # admin is a technical tool for the system's superusers.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "Quản trị kỹ thuật — TTHC"
