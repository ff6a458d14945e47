from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tthc.feedback"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from tthc.core.accesslog import AccessLogSource, register_access_log
        from tthc.workdays.registry import DeadlineSource, register

        from . import deadlines, services
        from .models import AccessLog, Feedback, Limit

        # Staff reads of a sender's personal data, in the audit trail.
        register_access_log(
            AccessLogSource(
                kind="feedback_read",
                label=gettext_lazy("Xem dữ liệu cá nhân (phản ánh, kiến nghị)"),
                model=AccessLog,
                code_field="feedback__code",
            )
        )

        # One source per limit: a calendar change recomputes every limit still running with the
        # responsible agency's calendar.
        for limit in Limit:
            register(
                DeadlineSource(
                    label=f"feedback.{limit.value}",
                    verbose_name=f"Phản ánh, kiến nghị — {limit.label}",
                    open_records=_open_records(Feedback, deadlines, limit),
                    agency_of=lambda fb: fb.agency_id,
                    current_due=_current(deadlines, limit),
                    compute_due=_compute(deadlines, limit),
                    store_due=services.store_recomputed(limit=limit),
                    describe=lambda fb: f"Phản ánh {fb.code}",
                )
            )


def _open_records(model, deadlines, limit):
    def records():
        queryset = model.objects.filter(status__in=deadlines.ACTIVE_IN[limit]).order_by("pk")
        return [fb for fb in queryset if deadlines.is_active(fb, limit)]

    return records


def _current(deadlines, limit):
    return lambda fb: deadlines.due_of(fb, limit)


def _compute(deadlines, limit):
    return lambda fb, calendar: deadlines.compute(fb, limit, calendar)
