from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tthc.org"
    verbose_name = "Tổ chức"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from tthc.core import revisions
        from tthc.org import accounts
        from tthc.org.directory import REVISION
        from tthc.org.models import AdministrativeUnit, Agency, Membership, ReceptionPoint

        revisions.watch(REVISION, AdministrativeUnit, Agency, ReceptionPoint, Membership)
        revisions.watch(REVISION, get_user_model(), unless_only=frozenset({"last_login"}))
        accounts.watch()
