from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "tthc.dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tthc.org import home
        from tthc.workdays.registry import DeadlineSource, register

        from . import checks, deadlines, queue_triggers, selectors, services, staff_views

        home.register(staff_views.home_panel)
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
                store_due=services.store_recomputed_deadline,
                describe=lambda dossier: f"Hồ sơ {dossier.code}",
            )
        )
