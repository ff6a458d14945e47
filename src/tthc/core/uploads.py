"""Checks on every file a citizen or an officer uploads (dossier documents, plan evidence), in
one place.

Allowed: PDF, JPEG, PNG, DOCX / XLSX (Office Open XML zip) and ODT (OpenDocument zip), recognised
by their content (magic bytes, and for the zip formats the parts inside) *and* their extension.
Refused, each with a Vietnamese message: an empty file, a file over `TTHC_MAX_UPLOAD_MB`, a name
with a path (`/`, `\\`, `..`) or control characters, a type not in the list or whose content does
not match the extension, and a PDF carrying active content (JavaScript, launch actions, embedded
files). Accepted files are stored under a generated name through Django's storage API (so an S3
backend can replace the file system); the original name is kept, sanitised, for display only.

`check_all` checks a set of files before anything is written: one refusal, nothing stored.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tthc.core.errors import ValidationError

ALLOWED_EXTENSIONS = {
    ".pdf": "pdf",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".odt": "odt",
}
ALLOWED_TEXT = "PDF, JPG, PNG, DOCX, XLSX, ODT"
NAME_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# PDF name tokens, with `#xx` escapes (e.g. /J#61vaScript) decoded before the check.
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
_PDF_ACTIVE = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "lệnh chạy chương trình (/Launch)",
    b"EmbeddedFile": "tệp nhúng (/EmbeddedFile)",
    b"EmbeddedFiles": "tệp nhúng (/EmbeddedFile)",
    b"RichMedia": "nội dung đa phương tiện nhúng",
}


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed every check: its content and the sanitised original name."""

    content: bytes
    display_name: str
    extension: str
    kind: str

    @property
    def size(self) -> int:
        return len(self.content)


def max_bytes() -> int:
    return int(getattr(settings, "TTHC_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _refuse(message: str, field: str, code: str) -> ValidationError:
    return ValidationError(message, field=field, code=code)


def clean_name(name: str, *, field: str) -> str:
    """The original name for display; refuses paths and control characters."""
    raw = name or ""
    if _CONTROL.search(raw):
        raise _refuse(
            "Tên tệp chứa ký tự điều khiển không hợp lệ. Vui lòng đổi tên tệp rồi tải lên lại.",
            field,
            "upload_bad_name",
        )
    if "/" in raw or "\\" in raw or ".." in raw or raw.startswith("~"):
        raise _refuse(
            "Tên tệp không được chứa đường dẫn (“/”, “\\”, “..”). Vui lòng đổi tên tệp.",
            field,
            "upload_bad_name",
        )
    cleaned = " ".join(unicodedata.normalize("NFC", raw).split()).strip(" .")
    if not cleaned:
        raise _refuse("Tệp tải lên không có tên.", field, "upload_bad_name")
    if len(cleaned) > NAME_MAX:
        stem, dot, ext = cleaned.rpartition(".")
        cleaned = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot else cleaned[:NAME_MAX]
    return cleaned


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return "odt"
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def sniff(data: bytes) -> str | None:
    """The type recognised from the content, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def pdf_active_content(data: bytes) -> str | None:
    """What active content a PDF carries (JavaScript, /Launch, embedded files), or None.

    Looks at every name token of the file, with `#xx` escapes decoded. Content hidden inside a
    compressed object stream is not seen: such a file is refused only if the stream's
    dictionary itself names the action; a malware scanner in front of storage covers the rest.
    """
    for match in _PDF_NAME.finditer(data):
        token = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match[1])
        if token in _PDF_ACTIVE:
            return _PDF_ACTIVE[token]
    return None


def check(upload, *, field: str) -> CheckedUpload:
    """Check one uploaded file (Django `UploadedFile` or anything with `.name` and `.read()`)."""
    display_name = clean_name(getattr(upload, "name", "") or "", field=field)
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_big(field)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_big(field)
    if not data:
        raise _refuse(f"Tệp “{display_name}” rỗng (0 byte).", field, "upload_empty")
    extension = "." + display_name.rsplit(".", 1)[-1].lower() if "." in display_name else ""
    expected = ALLOWED_EXTENSIONS.get(extension)
    if expected is None:
        raise _refuse(
            f"Loại tệp “{display_name}” không được chấp nhận. Chỉ nhận: {ALLOWED_TEXT}.",
            field,
            "upload_type",
        )
    actual = sniff(data)
    if actual != expected:
        raise _refuse(
            f"Nội dung tệp “{display_name}” không đúng định dạng {extension[1:].upper()} "
            f"(tệp hỏng hoặc bị đổi đuôi). Chỉ nhận: {ALLOWED_TEXT}.",
            field,
            "upload_type",
        )
    if actual == "pdf":
        active = pdf_active_content(data)
        if active:
            raise _refuse(
                f"Tệp PDF “{display_name}” chứa {active}, không được chấp nhận vì lý do an "
                "toàn. Vui lòng in lại thành PDF thông thường rồi tải lên.",
                field,
                "upload_active_content",
            )
    return CheckedUpload(content=data, display_name=display_name, extension=extension, kind=actual)


def _too_big(field: str) -> ValidationError:
    return _refuse(
        f"Tệp vượt quá dung lượng cho phép ({settings.TTHC_MAX_UPLOAD_MB} MB).",
        field,
        "upload_too_large",
    )


def check_all(uploads: dict[str, object]) -> dict[str, CheckedUpload]:
    """Check every file (field name -> upload) before anything is stored; the first refusal
    raises, with its field."""
    return {field: check(upload, field=field) for field, upload in uploads.items() if upload}


def storage_name(folder: str, upload: CheckedUpload) -> str:
    """A generated name: nothing of the applicant's name reaches the storage path."""
    today = timezone.localdate()
    return f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}{upload.extension}"


def store(folder: str, upload: CheckedUpload) -> str:
    """Save through the default storage; returns the stored name."""
    return default_storage.save(storage_name(folder, upload), ContentFile(upload.content))


def discard(names: list[str]) -> None:
    """Remove files stored by an intake that then failed (its transaction rolled back)."""
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
