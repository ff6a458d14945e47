"""`tthc check --database default`: warns of desks nobody serves (a dossier routed there
would wait for an officer who does not exist)."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from tthc.dossiers.routing import unserved_desks as find


def unserved_desks(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    if not databases:
        return []
    try:
        desks = find()
    except DatabaseError:  # not migrated yet
        return []
    return [
        checks.Warning(
            f"Điểm tiếp nhận “{desk.name}” ({desk.agency.name}) chưa có công chức tiếp nhận.",
            hint="Giao vai trò công chức tiếp nhận tại cơ quan này (hoặc cơ quan cấp trên) "
            "cho một tài khoản, hoặc ngừng hoạt động điểm tiếp nhận.",
            obj=desk,
            id="dossiers.W001",
        )
        for desk in desks
    ]


def register_checks() -> None:
    checks.register(unserved_desks, checks.Tags.database)
