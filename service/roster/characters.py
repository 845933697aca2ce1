"""Characters a pro cannot see: blanks, invisible characters and text-direction controls."""

from __future__ import annotations

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f\u2007\u180e"
BLANK = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + INVISIBLE
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_blank(value: str) -> bool:
    """Empty to the eye: nothing but spaces, line breaks and invisible characters."""
    return not value.strip(BLANK)
