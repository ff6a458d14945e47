"""Imports started from the management screens: the upload checks, the job, and the run in the
background task (the files themselves are read by `tthc.catalog.imports`)."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tthc.catalog.models import ImportJob, ImportStatus
from tthc.core.errors import ValidationError
from tthc.core.text import fold
from tthc.org.policy import Action, require

logger = logging.getLogger(__name__)


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
            f"Tệp “{original}”: chỉ nhận tệp .json hoặc .xlsx.", field="files", code="type"
        )
    if upload.size > UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"Tệp “{original}” quá lớn ({upload.size / 1024 / 1024:.1f} MB, tối đa "
            f"{UPLOAD_MAX_BYTES // 1024 // 1024} MB).",
            field="files",
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(f"Tệp “{original}” rỗng.", field="files", code="empty")
    head = upload.head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".xlsx" and not upload.head.startswith(b"PK\x03\x04"):
        raise ValidationError(
            f"Tệp “{original}” không phải tệp Excel (.xlsx) hợp lệ.", field="files", code="type"
        )
    if suffix == ".json" and head[:1] not in (b"{", b"["):
        raise ValidationError(
            f"Tệp “{original}” không phải tệp JSON (phải bắt đầu bằng {{ hoặc [).",
            field="files",
            code="type",
        )
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(Path(original).stem)).strip("-.")[:80]
    return f"{stem or 'tep'}{suffix}"


def start_import(*, user, uploads: list[Upload]) -> ImportJob:
    """Store the uploaded files under MEDIA_ROOT/imports/<job>/ and queue their import.

    Every file is checked (type by name and content, size) before anything is stored; the
    import itself runs in the background task `run_import_job` and records its progress and
    per-record report on the job.
    """
    require(user, Action.CATALOG_IMPORT)
    if not uploads:
        raise ValidationError("Chọn ít nhất một tệp để nhập.", field="files")
    if len(uploads) > UPLOAD_MAX_FILES:
        raise ValidationError(
            f"Mỗi lần nhập tối đa {UPLOAD_MAX_FILES} tệp.", field="files", code="too_many"
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
    from tthc.catalog.tasks import run_import_job  # tasks import this module

    run_import_job.enqueue(job.pk)
    return ImportJob.objects.get(pk=job.pk)


def run_import(job_id: int) -> ImportJob:
    """Import the files of a job, recording progress file by file, then the report."""
    from tthc.catalog.imports import import_procedures

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    root = Path(settings.MEDIA_ROOT) / job.directory
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), files_done=0
    )
    done = 0

    def progress(_path) -> None:
        nonlocal done
        done += 1
        ImportJob.objects.filter(pk=job.pk).update(files_done=done)

    try:
        report = import_procedures(
            [root / f["name"] for f in job.files], user=job.created_by, on_file=progress
        )
    except Exception as exc:  # the job must end in a state the status page can show
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        return ImportJob.objects.get(pk=job.pk)
    prefix = f"{root}/"
    records = [
        {**r.__dict__, "source": r.source.replace(prefix, "")}
        for r in report.records
        if r.outcome == "failed" or r.problems
    ]
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        files_done=job.files_total,
        counts=dict(report.counts),
        report={"summary": report.summary(), "records": records},
    )
    return ImportJob.objects.get(pk=job.pk)
