"""Read-only views for administrators: overrides change only through the staff screen
(``services``), so every change is logged and recomputes the open deadlines."""

from django.contrib import admin

from tthc.workdays.models import CalendarOverride, DeadlineChange, OverrideEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_working", "name", "reference", "agency", "created_by")
    list_filter = ("is_working",)
    search_fields = ("name", "reference")
    date_hierarchy = "date"
    list_select_related = ("agency", "created_by")


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "source", "label", "old_due", "new_due", "override")
    list_filter = ("source",)
    search_fields = ("label", "object_id")
    list_select_related = ("override",)


@admin.register(OverrideEvent)
class OverrideEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "date", "agency", "user")
    list_filter = ("kind",)
    list_select_related = ("agency", "user")
