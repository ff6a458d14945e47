"""Import procedures from the national portal's records (JSON detail, Excel list).

A batch never aborts on one bad file or record and never leaves half a record: each record is
saved in its own transaction by `services.save_procedure`, and every failure becomes a line of
the report with a Vietnamese message. Importing the same input twice changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tthc.catalog import services
from tthc.catalog.agency_mapping import AgencyResolver, MappingFile
from tthc.catalog.completeness import missing_components
from tthc.catalog.importing import national_json, national_xlsx
from tthc.catalog.models import ImportJob, ImportStatus, Procedure
from tthc.core.errors import ApplicationError
from tthc.core.models import User

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
SUPPORTED_SUFFIXES = {".json", ".xlsx"}


@dataclass
class RecordReport:
    source: str
    code: str = ""
    outcome: str = "failed"  # created | updated | unchanged | failed
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    records: list[RecordReport] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        counts = Counter({"created": 0, "updated": 0, "unchanged": 0, "failed": 0})
        counts.update(r.outcome for r in self.records)
        return counts

    def summary(self) -> str:
        c = self.counts
        return (
            f"Tạo mới: {c['created']} · Cập nhật: {c['updated']} · "
            f"Không đổi: {c['unchanged']} · Lỗi: {c['failed']}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "records": [r.__dict__ for r in self.records if r.outcome == "failed" or r.problems],
        }


def discover(*, paths: Iterable[str | Path]) -> tuple[list[Path], list[RecordReport]]:
    """The importable files under `paths` (sorted), and a report line for each bad path."""
    files: list[Path] = []
    missing: list[RecordReport] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                missing.append(RecordReport(str(path), problems=["Chỉ nhận tệp .json hoặc .xlsx."]))
        else:
            missing.append(RecordReport(str(path), problems=["Không tìm thấy tệp hoặc thư mục."]))
    return files, missing


def import_procedures(
    *,
    paths: Iterable[str | Path],
    user: User | None = None,
    mapping: MappingFile | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> ImportReport:
    files, report_lines = discover(paths=paths)
    report = ImportReport(records=report_lines)
    resolver = AgencyResolver(mapping)
    for path in files:
        report.records += _import_file(path, user=user, resolver=resolver)
        if on_file:
            on_file(path)
    return report


def _import_file(path: Path, *, user: User | None, resolver: AgencyResolver) -> list[RecordReport]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [RecordReport(str(path), problems=[f"Không đọc được tệp: {exc.strerror}."])]
    if size > MAX_FILE_BYTES:
        return [
            RecordReport(
                str(path),
                problems=[f"Tệp quá lớn ({size // (1024 * 1024)} MB, tối đa 50 MB)."],
            )
        ]
    if path.suffix.lower() == ".xlsx":
        return list(_import_list_file(path, user=user))
    return list(_import_json_file(path, user=user, resolver=resolver))


def _import_json_file(path: Path, *, user, resolver: AgencyResolver) -> Iterator[RecordReport]:
    try:
        payload = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        yield RecordReport(str(path), problems=["Tệp không phải văn bản UTF-8."])
        return
    except json.JSONDecodeError as exc:
        yield RecordReport(
            str(path),
            problems=[f"Tệp JSON hỏng ở dòng {exc.lineno}, cột {exc.colno}: {exc.msg}."],
        )
        return
    records = payload if isinstance(payload, list) else [payload]
    for index, record in enumerate(records):
        source = str(path) if len(records) == 1 else f"{path}#{index + 1}"
        yield _import_national_record(record, source=source, user=user, resolver=resolver)


def _import_national_record(
    record: Any, *, source: str, user: User | None, resolver: AgencyResolver
) -> RecordReport:
    if not isinstance(record, dict):
        return RecordReport(source, problems=["Bản ghi không phải một đối tượng JSON."])
    try:
        parsed = national_json.parse_record(record)
    except national_json.RecordError as exc:
        return RecordReport(source, problems=[str(exc)])
    data = _procedure_data(parsed)
    links, link_problems = resolver.resolve(parsed.code, data)
    missing = missing_components(data, has_linked_agency=bool(links))
    line = RecordReport(
        source,
        code=parsed.code,
        problems=[f"{p.component}: {p.message}" for p in parsed.problems]
        + link_problems
        + ([f"Thiếu thành phần bắt buộc: {', '.join(missing)}."] if missing else []),
    )
    try:
        result = services.save_procedure(
            code=parsed.code,
            data=data,
            source=dict(parsed.source),
            origin=parsed.source_url or source,
            decision=services.get_or_create_decision(number=parsed.decision_number),
            agencies=links,
            user=user,
            note="Nhập từ Cổng Dịch vụ công quốc gia",
        )
    except ApplicationError as exc:
        line.problems.append(exc.message)
        return line
    line.outcome = result.outcome.value
    return line


def _procedure_data(parsed: national_json.ParsedProcedure) -> dict[str, Any]:
    channels = [
        {
            "channel": c.channel,
            "processing_time": {
                "amount": c.processing_time.amount,
                "unit": c.processing_time.unit,
                "text": c.processing_time.text,
            },
            "fees": [{"amount_vnd": f.amount_vnd, "text": f.text} for f in c.fees],
            "description": c.description,
        }
        for c in parsed.channels
    ]
    has_online = any(c["channel"] == "online" for c in channels)
    return {
        "name": parsed.name,
        "levels": list(parsed.levels) + (["other"] if parsed.other_levels else []),
        "field": parsed.field,
        "procedure_type": parsed.procedure_type,
        "subjects": list(parsed.subjects),
        "status": "published",
        # The portal's record does not say whether the online service is full or partial:
        # an online channel is recorded as partial until an officer confirms it as full.
        "online_level": "partial" if has_online else "none",
        "boundary_free": False,
        "steps": list(parsed.steps),
        "channels": channels,
        "documents": [
            {
                "name": d.name,
                "group": d.group,
                "form": d.form,
                "originals": d.originals,
                "copies": d.copies,
                "condition": d.condition,
                "mandatory": d.mandatory,
            }
            for d in parsed.documents
        ],
        "document_notes": list(parsed.document_notes),
        "legal_bases": [{"title": b.title, "number": b.number} for b in parsed.legal_bases],
        "results": [{"name": r.name, "code": r.code} for r in parsed.results],
        "requirements": parsed.requirements,
        "competent_agency": parsed.competent_agency,
        "implementing_agency": parsed.implementing_agency,
        "authorised_agency": parsed.authorised_agency,
        "coordinating_agency": parsed.coordinating_agency,
        "reception_address": parsed.reception_address,
        "related_procedures": parsed.related_procedures,
        "keywords": parsed.keywords,
        "description": parsed.description,
        "decision_number": parsed.decision_number,
    }


def _import_list_file(path: Path, *, user) -> Iterator[RecordReport]:
    """Excel list rows carry code, name, issuer, implementing agency and field only: a new code
    becomes a procedure with those components; a known one gets a new version only if one of
    those components changed (its other components are kept)."""
    try:
        rows = list(national_xlsx.iter_rows(path))
    except national_xlsx.ListFileError as exc:
        yield RecordReport(str(path), problems=[str(exc)])
        return
    for row in rows:
        if isinstance(row, national_xlsx.RowError):
            yield RecordReport(f"{path}:{row.row_number}", problems=[row.message])
            continue
        source = f"{path}:{row.row_number}"
        existing = Procedure.objects.select_related("current_version").filter(code=row.code).first()
        data = dict(existing.current_version.data) if existing else {"status": "published"}
        data["name"] = row.name
        if row.field:
            data["field"] = row.field
        if row.implementing_agency:
            data["implementing_agency"] = row.implementing_agency
        if row.levels:
            data["levels"] = list(row.levels)
        line = RecordReport(source, code=row.code)
        try:
            result = services.save_procedure(
                code=row.code,
                data=data,
                source=dict(existing.current_version.source) if existing else {},
                origin=str(path.name),
                user=user,
                note="Nhập từ danh sách thủ tục (Excel)",
            )
        except ApplicationError as exc:
            line.problems.append(exc.message)
            yield line
            continue
        line.outcome = result.outcome.value
        yield line


def run_import_job(*, job_id: int) -> ImportJob:
    """Import the files of an `ImportJob` (started by `import_jobs.start_import`), recording
    progress file by file, then the per-record report. Run by the background task."""
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
            paths=[root / f["name"] for f in job.files], user=job.created_by, on_file=progress
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
