"""Backups of the database and the uploaded files (`tthc backup`, `tthc restore`, docs/operations.md).

One `.tar.gz` archive holds

- `database/tthc.sqlite3` (SQLite's online backup API, consistent while the site writes) or
  `database/tthc.pgdump` (`pg_dump --format=custom`, taken in an exported snapshot);
- `media/…`: every file under MEDIA_ROOT (the default storage's location);
- `manifest.json` (last): created at, engine, Django migration state per app, row counts per
  table (counted in the same snapshot as the dump), SHA-256 and size of every other member.

`restore` checks the whole archive against the manifest before it touches anything, refuses
another engine and a target that already holds tables or files (unless `force`), restores, then
counts the rows and hashes the files again and compares them with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database/tthc.sqlite3", "postgresql": "database/tthc.pgdump"}
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal with a Vietnamese message for the operator."""


@dataclass
class Report:
    """What a restore found, for the command to print."""

    manifest: dict
    tables: list[tuple[str, int, int]] = field(default_factory=list)  # name, expected, found
    files_checked: int = 0
    extra_files: int = 0


# --------------------------------------------------------------------------- helpers


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads exactly `size` bytes of a file for tarfile, hashing what it hands over."""

    def __init__(self, handle, size: int):
        self.handle, self.left, self.digest = handle, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.handle.read(n)
        self.left -= len(data)
        self.digest.update(data)
        return data


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _quote(alias: str, name: str) -> str:
    return connections[alias].ops.quote_name(name)


def media_root() -> Path:
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            "Tệp tải lên không nằm trên ổ đĩa (kho lưu trữ mặc định không phải FileSystemStorage): "
            "hãy sao lưu kho đó bằng công cụ của nhà cung cấp và chạy lệnh với --no-media."
        )
    return Path(default_storage.location)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _migrations_and_counts(cursor, tables: list[str], quote) -> tuple[dict, dict]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # names from the catalog
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return migrations, counts


def _pg_environment(settings_dict: dict) -> tuple[list[str], dict]:
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = options["sslmode"]
    return [f"--dbname={settings_dict['NAME']}"], environment


def _run(command: list[str], environment: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(
            f"Không tìm thấy chương trình {command[0]} (cài gói postgresql-client cùng phiên bản "
            "với máy chủ)."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{what} không thành công:\n{result.stderr.strip()}")


# --------------------------------------------------------------------------- backup


def _dump_sqlite(alias: str, target: Path) -> tuple[dict, dict]:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # one step: a consistent copy
    finally:
        destination.close()
    copy = sqlite3.connect(target)
    try:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        return _migrations_and_counts(cursor, tables, lambda n: '"' + n.replace('"', '""') + '"')
    finally:
        copy.close()


def _dump_postgresql(alias: str, target: Path) -> tuple[dict, dict]:
    connection = connections[alias]
    arguments, environment = _pg_environment(connection.settings_dict)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    if connection.in_atomic_block:  # cannot open our own snapshot inside a transaction
        _run([*command, *arguments], environment, "pg_dump")
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            return _migrations_and_counts(cursor, tables, connection.ops.quote_name)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # The dump and the counts see the same snapshot, whatever the site writes meanwhile.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run([*command, f"--snapshot={snapshot}", *arguments], environment, "pg_dump")
        tables = connection.introspection.table_names(cursor)
        return _migrations_and_counts(cursor, tables, connection.ops.quote_name)


def create(out: Path, *, alias: str = "default", media: bool = True) -> dict:
    """Write the archive to `out` (a `.tar.gz` file, or a directory to name one in); return the
    manifest."""
    vendor = _vendor(alias)
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {vendor}.")
    now = dt.datetime.now(dt.UTC)
    if out.is_dir():
        out = out / f"tthc-{now.astimezone():%Y%m%d-%H%M%S}.tar.gz"
    root = media_root() if media else None
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    files: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".tthc-backup-") as work:
            dump = Path(work) / PurePosixPath(DUMP_NAMES[vendor]).name
            dumper = _dump_sqlite if vendor == "sqlite" else _dump_postgresql
            migrations, counts = dumper(alias, dump)
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(dump, arcname=DUMP_NAMES[vendor])
                files[DUMP_NAMES[vendor]] = {
                    "sha256": sha256_file(dump),
                    "size": dump.stat().st_size,
                }
                for path in _media_files(root) if root else []:
                    name = "media/" + path.relative_to(root).as_posix()
                    try:
                        with open(path, "rb") as handle:
                            info = archive.gettarinfo(fileobj=handle, arcname=name)
                            reader = _HashingReader(handle, info.size)
                            archive.addfile(info, reader)
                    except FileNotFoundError:  # removed since the listing (a stale upload)
                        continue
                    files[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "engine": vendor,
                    "django": django.get_version(),
                    "database": DUMP_NAMES[vendor],
                    "media": media,
                    "migrations": migrations,
                    "tables": counts,
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
                archive.addfile(info, io.BytesIO(data))
    except BaseException:
        partial.unlink(missing_ok=True)  # never leave half an archive behind
        raise
    os.replace(partial, out)
    manifest["archive"] = str(out)
    return manifest


# --------------------------------------------------------------------------- restore


DAMAGED = "Tệp sao lưu {path} bị hỏng hoặc không đầy đủ: {why}. Không phục hồi gì."


def _extract(archive_path: Path, work: Path) -> dict:
    """Extract into `work` and check every member against the manifest; return the manifest."""
    if not archive_path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive_path}.")

    def damaged(why: str) -> BackupError:
        return BackupError(DAMAGED.format(path=archive_path, why=why))

    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise damaged(f"không đọc được ({exc})") from exc
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        expected = manifest["files"]
        if not {"engine", "tables", "database", "migrations"} <= set(manifest):
            raise KeyError("manifest")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise damaged("thiếu hoặc sai tệp mô tả manifest.json") from exc
    found = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()} - {MANIFEST}
    if missing := sorted(set(expected) - found):
        raise damaged(f"thiếu {len(missing)} tệp, ví dụ {missing[0]}")
    if extra := sorted(found - set(expected)):
        raise damaged(f"có {len(extra)} tệp không ghi trong manifest, ví dụ {extra[0]}")
    for name, meta in expected.items():
        if sha256_file(work / name) != meta["sha256"]:
            raise damaged(f"mã kiểm tra SHA-256 của {name} không khớp")
    return manifest


def _target_tables(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)  # replaces every page of the target
    finally:
        source.close()
    connection.close()


def _restore_postgresql(alias: str, dump: Path, manifest: dict, *, force: bool) -> None:
    connection = connections[alias]
    if force:  # tables the archive does not know would survive --clean: drop them first
        extra = [t for t in _target_tables(alias) if t not in manifest["tables"]]
        with connection.cursor() as cursor:
            for table in extra:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    arguments, environment = _pg_environment(connection.settings_dict)
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, *arguments, str(dump)], environment, "pg_restore")


def restore(
    archive_path: Path, *, alias: str = "default", force: bool = False, media: bool = True
) -> Report:
    vendor = _vendor(alias)
    parent = archive_path.parent if os.access(archive_path.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=parent, prefix=".tthc-restore-") as work_dir:
        work = Path(work_dir)
        manifest = _extract(archive_path, work)
        if manifest["engine"] != vendor:
            raise BackupError(
                f"Bản sao lưu được tạo từ {ENGINE_LABELS.get(manifest['engine'], manifest['engine'])}"
                f", còn cơ sở dữ liệu đích là {ENGINE_LABELS.get(vendor, vendor)}: không thể "
                "phục hồi sang hệ quản trị khác. Hãy phục hồi vào cơ sở dữ liệu cùng loại."
            )
        media = media and manifest.get("media", True)
        root = media_root() if media else None
        tables = _target_tables(alias)
        existing = _media_files(root) if root else []
        if (tables or existing) and not force:
            what = []
            if tables:
                what.append(f"cơ sở dữ liệu đích đã có {len(tables)} bảng")
            if existing:
                what.append(f"thư mục tệp tải lên {root} đã có {len(existing)} tệp")
            raise BackupError(
                "Nơi phục hồi không trống: "
                + "; ".join(what)
                + ". Hãy phục hồi vào một cơ sở dữ liệu mới, trống (chưa chạy migrate), hoặc "
                "thêm --force để ghi đè toàn bộ dữ liệu hiện có."
            )

        dump = work / manifest["database"]
        if vendor == "sqlite":
            _restore_sqlite(alias, dump)
        else:
            _restore_postgresql(alias, dump, manifest, force=force)

        report = Report(manifest=manifest)
        media_files = {k: v for k, v in manifest["files"].items() if k.startswith("media/")}
        if root:
            for name in media_files:
                destination = root / name.removeprefix("media/")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / name, destination)
            report.extra_files = len(
                {p.relative_to(root).as_posix() for p in existing}
                - {n.removeprefix("media/") for n in media_files}
            )

    # Verify what is now in place, against the manifest.
    connection = connections[alias]
    connection.close()
    with connection.cursor() as cursor:
        found_tables = connection.introspection.table_names(cursor)
        migrations, counts = _migrations_and_counts(
            cursor, [t for t in found_tables if t in manifest["tables"]], connection.ops.quote_name
        )
    problems = []
    for table, expected in sorted(manifest["tables"].items()):
        found = counts.get(table, -1)
        report.tables.append((table, expected, found))
        if found != expected:
            problems.append(f"bảng {table}: {found} dòng, bản sao lưu có {expected}")
    if migrations != manifest["migrations"]:
        problems.append("trạng thái migration khác bản sao lưu")
    if root:
        for name, meta in media_files.items():
            if sha256_file(root / name.removeprefix("media/")) != meta["sha256"]:
                problems.append(f"tệp {name}: mã SHA-256 không khớp")
            report.files_checked += 1
    if problems:
        raise BackupError(
            "Đã phục hồi nhưng kiểm tra lại không khớp với bản sao lưu:\n- " + "\n- ".join(problems)
        )
    return report
