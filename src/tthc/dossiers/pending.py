"""Files of an online submission kept while the citizen corrects a refused form.

A browser cannot refill a file input, so without this every refusal (a typo in the ID number,
a missing consent) would make the citizen upload every document again. Each file that passed
the checks is stored under a generated name in a folder of the day, and the session remembers
it for the form's submission key; the next POST of the same form uses it unless the field gets
a new file. A successful submission stores its own copies and releases these; the clock
removes what was abandoned (`discard_stale_task`).
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tthc.core.uploads import CheckedUpload

SESSION_KEY = "dossiers_pending_uploads"
FOLDER = "dossiers/pending"
# Forms kept per session: a citizen may have a few tabs open, not hundreds.
MAX_FORMS = 5


def kept(session, key: str) -> dict[str, dict]:
    """field -> {"name": stored name, "display": the citizen's file name}."""
    return dict((session.get(SESSION_KEY) or {}).get(key) or {})


def keep(*, session, key: str, field: str, upload: CheckedUpload) -> None:
    forms = dict(session.get(SESSION_KEY) or {})
    entries = dict(forms.get(key) or {})
    old = entries.get(field)
    name = default_storage.save(
        f"{FOLDER}/{timezone.localdate():%Y-%m-%d}/{uuid.uuid4().hex}{upload.extension}",
        ContentFile(upload.content),
    )
    entries[field] = {"name": name, "display": upload.display_name}
    forms[key] = entries
    while len(forms) > MAX_FORMS:
        oldest = next(iter(forms))
        _delete(forms.pop(oldest).values())
    session[SESSION_KEY] = forms
    if old:
        _delete([old])


def load(entry: dict) -> ContentFile | None:
    """The kept file as an upload (its original name), or None if it was removed meanwhile."""
    try:
        with default_storage.open(entry["name"], "rb") as handle:
            return ContentFile(handle.read(), name=entry["display"])
    except (OSError, KeyError):
        return None


def release(*, session, key: str) -> None:
    forms = dict(session.get(SESSION_KEY) or {})
    entries = forms.pop(key, None)
    if entries is None:
        return
    _delete(entries.values())
    session[SESSION_KEY] = forms


def _delete(entries) -> None:
    for entry in entries:
        with contextlib.suppress(OSError, KeyError):
            default_storage.delete(entry["name"])


def discard_stale(*, today: date | None = None) -> int:
    """Remove kept files of forms abandoned before yesterday; returns how many."""
    today = today or timezone.localdate()
    try:
        days, _ = default_storage.listdir(FOLDER)
    except (OSError, NotImplementedError):
        return 0
    removed = 0
    for day in days:
        try:
            stale = date.fromisoformat(day) < today - timedelta(days=1)
        except ValueError:
            continue
        if not stale:
            continue
        _, files = default_storage.listdir(f"{FOLDER}/{day}")
        for name in files:
            with contextlib.suppress(OSError):
                default_storage.delete(f"{FOLDER}/{day}/{name}")
                removed += 1
    return removed
