"""Vietnamese text folding for search: case, diacritics and `đ` fold on both sides.

"ĐĂNG KÝ KHAI SINH", "đăng ký khai sinh" and "dang ky khai sinh" all fold to
"dang ky khai sinh". NFD decomposition strips the tone and vowel marks; `đ`/`Đ` are separate
letters in Unicode (not a `d` with a combining mark), so they are mapped explicitly.
"""

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, map đ to d, collapse white space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> list[str]:
    """The folded words of a text, punctuation removed (used to build search queries)."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


def normalize_space(text: str | None) -> str:
    """Collapse every kind of white space (including no-break spaces) into one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip()


def ascii_digits(text: str | None) -> bool:
    """True for '0'–'9' only. `str.isdigit` also accepts '²' or Arabic-Indic digits, which `int`
    then refuses (or reads as another number): input checks use this instead."""
    return bool(text) and text.isascii() and text.isdigit()
