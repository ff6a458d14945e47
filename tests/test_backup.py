"""`tthc backup` / `tthc restore`: the archive restores into a fresh database on the same engine
with the same row counts and the same files; a damaged archive, another engine and a target that
is not empty (without --force) are refused before anything is touched."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from tests.dossiers.conftest import DOCUMENTS, PERSON
from tests.factories import AgencyFactory, make_procedure
from tthc.core import uploads
from tthc.dossiers import services
from tthc.dossiers.models import Dossier
from tthc.dossiers.services import DocumentInput

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha(p) for p in root.rglob("*") if p.is_file()}


def _counts(cursor, tables) -> dict[str, int]:
    result = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        result[table] = cursor.fetchone()[0]
    return result


@pytest.fixture
def data(settings, tmp_path):
    """Three procedures and an online dossier whose document is an uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    channels = [
        {
            "channel": "in_person",
            "processing_time": {"amount": "5", "unit": "working_days", "text": "5 ngày"},
            "fees": [{"amount_vnd": 8000, "text": "8.000 đồng"}],
        }
    ]
    documents = [
        {"name": DOCUMENTS[0], "group": "", "form": "", "originals": 1, "copies": 0},
        {"name": DOCUMENTS[1], "group": "", "form": "", "originals": 0, "copies": 1},
    ]
    procedure = make_procedure(
        code="1.001193", boundary_free=True, channels=channels, documents=documents
    )
    make_procedure(code="1.001194")
    make_procedure(code="1.001195")
    commune = AgencyFactory(code="000.00.31.H26", name="Ủy ban nhân dân phường Hoàn Kiếm")
    department = AgencyFactory(code="000.00.15.H26", name="Sở Tư pháp thành phố Hà Nội")
    checked = uploads.check(SimpleUploadedFile("to-khai.pdf", PDF), field="file_1")
    dossier = services.submit_online(
        procedure=procedure,
        receiving_agency=commune,
        resolving_agency=department,
        applicant=PERSON,
        documents=[DocumentInput(DOCUMENTS[0], form="electronic", upload=checked)],
    )
    stored = dossier.documents.exclude(file="").get()
    assert Path(stored.file.path).read_bytes() == PDF
    return {"media": settings.MEDIA_ROOT, "dossier": dossier}


def _tthc(*args, database_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    """Run `tthc …` in a new process against another database and another var/ directory."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TTHC_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "tthc.settings",
    }
    return subprocess.run(
        [sys.executable, "-m", "tthc.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _backup(tmp_path: Path) -> tuple[Path, dict]:
    out = tmp_path / "sao-luu.tar.gz"
    call_command("backup", str(out), stdout=io.StringIO())
    with tarfile.open(out) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    return out, manifest


def _source_counts(tables) -> dict[str, int]:
    with connection.cursor() as cursor:
        return _counts(cursor, tables)


def _check_round_trip(data, manifest, result, restored_counts, var_dir: Path):
    assert result.returncode == 0, result.stderr
    assert "Khớp:" in result.stdout
    tables = sorted(manifest["tables"])
    assert "dossiers_dossier" in tables and "catalog_procedure" in tables
    assert manifest["tables"]["catalog_procedure"] == 3
    assert manifest["tables"]["dossiers_dossier"] == Dossier.objects.count() == 1
    assert restored_counts == _source_counts(tables) == manifest["tables"]
    assert manifest["migrations"]["dossiers"], "migration state recorded"
    source_files = _files(data["media"])
    assert len(source_files) == 1
    assert _files(var_dir / "media") == source_files
    in_manifest = {
        name.removeprefix("media/"): meta["sha256"]
        for name, meta in manifest["files"].items()
        if name.startswith("media/")
    }
    assert in_manifest == source_files


@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_into_a_new_file(data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("kiểm thử SQLite")
    out, manifest = _backup(tmp_path)
    assert manifest["engine"] == "sqlite" and "database/tthc.sqlite3" in manifest["files"]
    var_dir = tmp_path / "new-var"
    target = var_dir / "restored.sqlite3"
    result = _tthc("restore", str(out), database_url=f"sqlite:///{target}", var_dir=var_dir)

    restored = sqlite3.connect(target)
    try:
        restored_counts = _counts(restored.cursor(), sorted(manifest["tables"]))
    finally:
        restored.close()
    _check_round_trip(data, manifest, result, restored_counts, var_dir)

    # A second restore into the same place is refused (not empty), --force overwrites.
    again = _tthc("restore", str(out), database_url=f"sqlite:///{target}", var_dir=var_dir)
    assert again.returncode != 0
    assert "không trống" in again.stderr and "--force" in again.stderr
    forced = _tthc(
        "restore", str(out), "--force", database_url=f"sqlite:///{target}", var_dir=var_dir
    )
    assert forced.returncode == 0, forced.stderr
    assert "Khớp:" in forced.stdout


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_into_a_new_database(data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg

    out, manifest = _backup(tmp_path)
    assert manifest["engine"] == "postgresql" and "database/tthc.pgdump" in manifest["files"]
    params = connection.settings_dict
    name = f"tthc_restore_{uuid.uuid4().hex[:10]}"
    server = {
        "host": params.get("HOST") or "127.0.0.1",
        "port": params.get("PORT") or 5432,
        "user": params.get("USER") or "postgres",
        "password": params.get("PASSWORD") or None,
    }
    credentials = quote(server["user"]) + (
        f":{quote(server['password'])}" if server["password"] else ""
    )
    url = f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        var_dir = tmp_path / "new-var"
        result = _tthc("restore", str(out), database_url=url, var_dir=var_dir)
        with psycopg.connect(dbname=name, **server) as restored:
            restored_counts = _counts(restored.cursor(), sorted(manifest["tables"]))
        _check_round_trip(data, manifest, result, restored_counts, var_dir)

        again = _tthc("restore", str(out), database_url=url, var_dir=var_dir)
        assert again.returncode != 0 and "không trống" in again.stderr
        forced = _tthc("restore", str(out), "--force", database_url=url, var_dir=var_dir)
        assert forced.returncode == 0, forced.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy the archive member by member; `change(name, bytes)` returns the new bytes."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            content = change(member.name, old.extractfile(member).read())
            member.size = len(content)
            new.addfile(member, io.BytesIO(content))


def _restore_refused(archive: Path) -> str:
    """Refusals come before anything is written, so the test's own database is safe here."""
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    return str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_incomplete_archive_is_refused(data, tmp_path):
    out, manifest = _backup(tmp_path)
    upload = next(name for name in manifest["files"] if name.startswith("media/"))

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(out, tampered, lambda name, b: b + b"x" if name == upload else b)
    message = _restore_refused(tampered)
    assert "bị hỏng hoặc không đầy đủ" in message and "SHA-256" in message and upload in message

    dump = manifest["database"]
    tampered_db = tmp_path / "tampered-db.tar.gz"
    _rewrite(out, tampered_db, lambda name, b: b[:-1] + bytes([b[-1] ^ 1]) if name == dump else b)
    assert dump in _restore_refused(tampered_db)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    assert "bị hỏng hoặc không đầy đủ" in _restore_refused(truncated)

    without_manifest = tmp_path / "no-manifest.tar.gz"
    with tarfile.open(out) as old, tarfile.open(without_manifest, "w:gz") as new:
        for member in old.getmembers():
            if member.name != "manifest.json":
                new.addfile(member, old.extractfile(member))
    assert "manifest.json" in _restore_refused(without_manifest)

    not_gzip = tmp_path / "empty.tar.gz"
    not_gzip.write_bytes(gzip.compress(b""))
    assert "bị hỏng hoặc không đầy đủ" in _restore_refused(not_gzip)


@pytest.mark.django_db(transaction=True)
def test_another_engine_is_refused(data, tmp_path):
    out, manifest = _backup(tmp_path)
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"

    def swap_engine(name, content):
        if name != "manifest.json":
            return content
        return json.dumps({**json.loads(content), "engine": other}).encode()

    foreign = tmp_path / "foreign.tar.gz"
    _rewrite(out, foreign, swap_engine)
    message = _restore_refused(foreign)
    assert "hệ quản trị khác" in message


@pytest.mark.django_db(transaction=True)
def test_a_non_empty_target_is_refused_without_force(data, tmp_path):
    out, _ = _backup(tmp_path)
    message = _restore_refused(out)  # the test database itself holds every table
    assert "không trống" in message and "--force" in message
