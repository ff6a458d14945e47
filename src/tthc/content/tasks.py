"""Background work of the content app, started by `tthc clock` (settings.TTHC_PERIODIC_TASKS)."""

from __future__ import annotations

from django_tasks import task

from tthc.content import services


@task()
def publish_scheduled_pages() -> str:
    """Publish the pages whose scheduled time has come and unpublish the expired ones."""
    return services.publish_scheduled()
