"""The database keeps `DossierAgency.status / due_at / submitted_at` equal to the dossier's
(decision 0011): a row inserted here copies them from its dossier, and a change of a dossier's
status, deadline or submission time is copied to its rows, whoever writes — the services, a
`bulk_create` (demo history), a raw `UPDATE`, a `COPY`. Triggers rather than application code
because those writers do not go through one function.

Installed by migration 0007 and again after every `migrate` (`post_migrate`): on SQLite a later
migration that rebuilds one of the two tables drops its triggers, and they come back here.
`resync()` derives every row again (a load with triggers disabled, e.g. the bench generator's
`session_replication_role = replica`, leaves `status = 0`).
"""

from __future__ import annotations

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION dossiers_agency_fill() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        SELECT d.status, d.due_at, d.submitted_at
          INTO NEW.status, NEW.due_at, NEW.submitted_at
          FROM dossiers_dossier d WHERE d.id = NEW.dossier_id;
        RETURN NEW;
    END $$
    """,
    "DROP TRIGGER IF EXISTS dossiers_agency_fill ON dossiers_dossieragency",
    """
    CREATE TRIGGER dossiers_agency_fill BEFORE INSERT ON dossiers_dossieragency
    FOR EACH ROW EXECUTE FUNCTION dossiers_agency_fill()
    """,
    """
    CREATE OR REPLACE FUNCTION dossiers_dossier_queue_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE dossiers_dossieragency
           SET status = NEW.status, due_at = NEW.due_at, submitted_at = NEW.submitted_at
         WHERE dossier_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS dossiers_dossier_queue_sync ON dossiers_dossier",
    """
    CREATE TRIGGER dossiers_dossier_queue_sync
    AFTER UPDATE OF status, due_at, submitted_at ON dossiers_dossier
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status
        OR OLD.due_at IS DISTINCT FROM NEW.due_at
        OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
    )
    EXECUTE FUNCTION dossiers_dossier_queue_sync()
    """,
]

SQLITE = [
    "DROP TRIGGER IF EXISTS dossiers_agency_fill",
    """
    CREATE TRIGGER dossiers_agency_fill AFTER INSERT ON dossiers_dossieragency
    BEGIN
        UPDATE dossiers_dossieragency SET
            status = (SELECT status FROM dossiers_dossier WHERE id = NEW.dossier_id),
            due_at = (SELECT due_at FROM dossiers_dossier WHERE id = NEW.dossier_id),
            submitted_at = (SELECT submitted_at FROM dossiers_dossier WHERE id = NEW.dossier_id)
        WHERE id = NEW.id;
    END
    """,
    "DROP TRIGGER IF EXISTS dossiers_dossier_queue_sync",
    """
    CREATE TRIGGER dossiers_dossier_queue_sync
    AFTER UPDATE OF status, due_at, submitted_at ON dossiers_dossier
    WHEN OLD.status IS NOT NEW.status
      OR OLD.due_at IS NOT NEW.due_at
      OR OLD.submitted_at IS NOT NEW.submitted_at
    BEGIN
        UPDATE dossiers_dossieragency
           SET status = NEW.status, due_at = NEW.due_at, submitted_at = NEW.submitted_at
         WHERE dossier_id = NEW.id;
    END
    """,
]

RESYNC = """
    UPDATE dossiers_dossieragency SET
        status = (SELECT d.status FROM dossiers_dossier d WHERE d.id = dossier_id),
        due_at = (SELECT d.due_at FROM dossiers_dossier d WHERE d.id = dossier_id),
        submitted_at = (SELECT d.submitted_at FROM dossiers_dossier d WHERE d.id = dossier_id)
"""
RESYNC_POSTGRESQL = """
    UPDATE dossiers_dossieragency a
       SET status = d.status, due_at = d.due_at, submitted_at = d.submitted_at
      FROM dossiers_dossier d
     WHERE d.id = a.dossier_id
       AND (a.status, a.due_at, a.submitted_at) IS DISTINCT FROM (d.status, d.due_at, d.submitted_at)
"""


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL
    if vendor == "sqlite":
        return SQLITE
    raise NotImplementedError(f"queue triggers for {vendor}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('dossiers_agency_fill', 'dossiers_dossier_queue_sync') AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                "('dossiers_agency_fill', 'dossiers_dossier_queue_sync')"
            )
        return cursor.fetchone()[0] == 2


def resync(connection) -> int:
    """Derive every row's copies again; the number of rows changed."""
    with connection.cursor() as cursor:
        cursor.execute(RESYNC_POSTGRESQL if connection.vendor == "postgresql" else RESYNC)
        return cursor.rowcount


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    connection = connections[using]
    tables = connection.introspection.table_names()
    if "dossiers_dossieragency" not in tables or "dossiers_dossier" not in tables:
        return
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(
                cursor, "dossiers_dossieragency"
            )
        }
    if {"status", "due_at", "submitted_at"} <= columns:  # migrated back before 0007: none
        install(connection)


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS dossiers_agency_fill ON dossiers_dossieragency")
            cursor.execute("DROP TRIGGER IF EXISTS dossiers_dossier_queue_sync ON dossiers_dossier")
            cursor.execute("DROP FUNCTION IF EXISTS dossiers_agency_fill()")
            cursor.execute("DROP FUNCTION IF EXISTS dossiers_dossier_queue_sync()")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS dossiers_agency_fill")
            cursor.execute("DROP TRIGGER IF EXISTS dossiers_dossier_queue_sync")
