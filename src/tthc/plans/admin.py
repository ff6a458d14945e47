"""Read access to the plans for administrators; writes go through the staff screens (services)."""

from django.contrib import admin

from .models import CommunicationPlan, PlanTask, TaskReminder, TaskReport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "decision_number", "status"]
    list_filter = ["status", "year"]


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "lead_agency", "due_on", "percent_done"]
    list_select_related = ["plan", "lead_agency"]
    list_filter = ["plan"]


@admin.register(TaskReport)
class TaskReportAdmin(ReadOnlyAdmin):
    list_display = ["task", "agency", "percent", "reported_at"]
    list_select_related = ["task", "agency"]


@admin.register(TaskReminder)
class TaskReminderAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "due_on", "sent_at"]
    list_select_related = ["task"]
