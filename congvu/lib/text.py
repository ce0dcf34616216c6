"""Text helpers for Vietnamese: matching names whatever their accents or case."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case `text` and strip its diacritics, so "Cao Bằng", "cao bang" and "CAO BẰNG"
    compare equal. "đ" is a letter of its own, not a d with a mark, so it is mapped by hand."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()
