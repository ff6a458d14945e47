from django.apps import AppConfig
from django.urls import reverse


class DossiersConfig(AppConfig):
    name = "tthc.dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy

        from tthc.catalog.hooks import register_apply_link
        from tthc.core.accesslog import AccessLogSource, register_access_log
        from tthc.org import home
        from tthc.workdays.registry import DeadlineSource, register

        from . import (
            checks,
            deadlines,
            notifications,
            queue_triggers,
            selectors,
            services,
            staff_views,
            tasks,
        )
        from .models import AccessLog

        home.register(staff_views.home_panel)
        # The applicant's notifications are sent by background tasks (tasks import
        # notifications, never the other way).
        notifications.connect_tasks(
            notify_event=tasks.notify_event_task, deliver=tasks.deliver_notification_task
        )
        # Staff reads of an applicant's personal data, in the audit trail.
        register_access_log(
            AccessLogSource(
                kind="read",
                label=gettext_lazy("Xem dữ liệu cá nhân (hồ sơ)"),
                model=AccessLog,
                code_field="dossier__code",
                url=selectors.staff_dossier_url,
            )
        )
        # The catalog's "apply online" button leads to this app's intake form.
        register_apply_link(apply_link)
        # The queue copies on DossierAgency are kept by triggers (decision 0011): back after
        # every migrate, also when a later migration rebuilt a table on SQLite.
        post_migrate.connect(queue_triggers.on_post_migrate, sender=self)
        checks.register_checks()

        # A calendar change recomputes the open dossiers' deadlines with the resolving agency's
        # calendar; the registry logs old -> new (DeadlineChange) and the store appends an event.
        register(
            DeadlineSource(
                label="dossiers.dossier",
                verbose_name="Hồ sơ",
                open_records=selectors.open_dossiers,
                agency_of=lambda dossier: dossier.resolving_agency_id,
                current_due=lambda dossier: dossier.due_at,
                compute_due=lambda dossier, calendar: deadlines.compute(dossier, calendar=calendar),
                store_due=lambda dossier, deadline: services.store_recomputed_deadline(
                    dossier=dossier, deadline=deadline
                ),
                describe=lambda dossier: f"Hồ sơ {dossier.code}",
            )
        )


def apply_link(procedure) -> str:
    """The online intake form of `procedure` (the catalog's apply-link hook)."""
    return reverse("dossiers:apply", args=[procedure.code])
