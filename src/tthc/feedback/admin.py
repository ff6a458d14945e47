"""Read-only views for administrators: the personal-data access log of feedback (DOMAIN §11).
Changes go through the services, never through the admin."""

from django.contrib import admin

from tthc.feedback.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "feedback", "what")
    list_filter = ("what",)
    search_fields = ("feedback__code", "user__username", "what")
    date_hierarchy = "at"
    list_select_related = ("user", "feedback")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
