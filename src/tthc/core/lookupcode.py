"""Secret lookup codes for the public lookups (issue 13): 8 characters of an alphabet without
look-alikes (no 0/O, 1/I/L), 40 bits from `secrets`, printed or sent to the citizen and typed on
the lookup page. With the lookups' attempt limits they cannot be guessed, and nothing of them is
derived from, or shown in, a masked public view (the last digits of an ID number or a phone
were, and unmasked the data).

Dossiers and feedback both use it.
"""

from __future__ import annotations

import hmac
import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
_SEPARATORS = re.compile(r"[\s\-.]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """'ABCD2345' -> 'ABCD-2345', as printed and sent (the hyphen is optional when typed)."""
    return f"{code[:4]}-{code[4:]}" if len(code or "") == LENGTH else (code or "")


def normalise(typed: str | None) -> str:
    """What the citizen typed, without spaces, hyphens, dots, in capitals."""
    return _SEPARATORS.sub("", typed or "").upper()


def matches(stored: str, typed: str | None) -> bool:
    """True when `typed` is `stored` (case, spaces and hyphens ignored); never for an empty or
    malformed stored code. Constant time on the bytes."""
    typed = normalise(typed)
    if len(stored or "") != LENGTH or len(typed) != LENGTH:
        return False
    return hmac.compare_digest(typed.encode(), stored.encode())


def looks_like_code(typed: str | None) -> bool:
    """The typed text has the shape of a lookup code (so it is not, say, an e-mail address)."""
    typed = normalise(typed)
    return len(typed) == LENGTH and all(c in ALPHABET for c in typed)
