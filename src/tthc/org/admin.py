from django.contrib import admin

from tthc.org.models import AdministrativeUnit, Agency, Membership, ReceptionPoint


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    filter_horizontal = ("successors",)
    raw_id_fields = ("parent",)


class ReceptionPointInline(admin.TabularInline):
    model = ReceptionPoint
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "unit", "is_active")
    list_filter = ("kind", "unit__level", "is_active")
    search_fields = ("code", "name", "short_name")
    raw_id_fields = ("parent", "unit")
    inlines = [ReceptionPointInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name")
    raw_id_fields = ("user", "agency")
