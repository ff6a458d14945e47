from django.contrib import admin

from .models import ComplianceCost, ProposalEvent, ProposalItem, SimplificationProposal


class ItemInline(admin.TabularInline):
    model = ProposalItem
    extra = 0
    readonly_fields = [f.name for f in ProposalItem._meta.fields]
    can_delete = False


class EventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    readonly_fields = [f.name for f in ProposalEvent._meta.fields]
    can_delete = False


@admin.register(SimplificationProposal)
class ProposalAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (and their events)."""

    list_display = ["code", "title", "status", "responsible_agency", "due_on"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    inlines = [ItemInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ComplianceCost)
class ComplianceCostAdmin(admin.ModelAdmin):
    list_display = ["procedure", "channel", "per_filing_vnd", "per_year_vnd", "updated_at"]
    list_select_related = ["procedure"]
    search_fields = ["procedure__code"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
