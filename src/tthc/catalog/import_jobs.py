"""Imports started from the management screens: the upload checks and the job, run by the
background task `tthc.catalog.tasks.run_import_job` (the files themselves are read by
`tthc.catalog.imports`)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog.models import ImportJob
from tthc.catalog.tasks import run_import_job
from tthc.core.errors import ValidationError
from tthc.core.models import User
from tthc.core.text import fold
from tthc.org.policy import Action, require

UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_MAX_FILES = 20


@dataclass(frozen=True)
class Upload:
    name: str
    size: int
    chunks: Any  # callable returning an iterator of bytes (Django's UploadedFile.chunks)
    head: bytes  # the first bytes, for the type check


def _check_upload(upload: Upload) -> str:
    """The safe stored name of an upload, or a ValidationError saying why it is refused."""
    original = Path(upload.name).name
    suffix = Path(original).suffix.lower()
    if suffix not in (".json", ".xlsx"):
        raise ValidationError(
            _("Tệp “%(name)s”: chỉ nhận tệp .json hoặc .xlsx.") % {"name": original},
            field="files",
            code="type",
        )
    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB, tối đa %(max)s MB).")
            % {
                "name": original,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "max": UPLOAD_MAX_BYTES // 1024 // 1024,
            },
            field="files",
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(
            _("Tệp “%(name)s” rỗng.") % {"name": original}, field="files", code="empty"
        )
    head = upload.head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".xlsx" and not upload.head.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("Tệp “%(name)s” không phải tệp Excel (.xlsx) hợp lệ.") % {"name": original},
            field="files",
            code="type",
        )
    if suffix == ".json" and head[:1] not in (b"{", b"["):
        raise ValidationError(
            _("Tệp “%(name)s” không phải tệp JSON (phải bắt đầu bằng { hoặc [).")
            % {"name": original},
            field="files",
            code="type",
        )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(Path(original).stem)).strip("-.")[:80]
    return f"{stem or 'tep'}{suffix}"


def start_import(*, user: User, uploads: list[Upload]) -> ImportJob:
    """Store the uploaded files under MEDIA_ROOT/imports/<job>/ and queue their import.

    Every file is checked (type by name and content, size) before anything is stored; the
    import itself runs in the background task `run_import_job` and records its progress and
    per-record report on the job.
    """
    require(user, Action.CATALOG_IMPORT)
    if not uploads:
        raise ValidationError(_("Chọn ít nhất một tệp để nhập."), field="files")
    if len(uploads) > UPLOAD_MAX_FILES:
        raise ValidationError(
            _("Mỗi lần nhập tối đa %(count)s tệp.") % {"count": UPLOAD_MAX_FILES},
            field="files",
            code="too_many",
        )
    names = []
    for upload in uploads:
        name = _check_upload(upload)
        while name in names:
            name = f"{Path(name).stem}-{len(names)}{Path(name).suffix}"
        names.append(name)
    directory = f"imports/{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
    target = Path(settings.MEDIA_ROOT) / directory
    target.mkdir(parents=True, exist_ok=True)
    for upload, name in zip(uploads, names, strict=True):
        with (target / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    job = ImportJob.objects.create(
        created_by=user,
        directory=directory,
        files=[
            {"name": name, "original": Path(u.name).name}
            for u, name in zip(uploads, names, strict=True)
        ],
        files_total=len(names),
    )
    run_import_job.enqueue(job.pk)
    return ImportJob.objects.get(pk=job.pk)
