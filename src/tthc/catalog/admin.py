"""Read-only views of the catalog for administrators: changes go through the services
(import, catalog management), never through the admin, so every change is a version."""

from django.contrib import admin

from tthc.catalog.models import Field, Procedure, ProcedureVersion, PublicationDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "field", "status", "online_level")
    list_filter = ("status", "online_level", "is_province_level", "is_commune_level")
    search_fields = ("code", "name")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "number", "created_at", "created_by", "decision")
    search_fields = ("procedure__code",)
    list_select_related = ("procedure", "created_by", "decision")


@admin.register(Field)
class FieldAdmin(ReadOnlyAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "issuer", "signed_on", "effective_on")
    search_fields = ("number", "title")
