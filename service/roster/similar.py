"""Which known name a value was meant to be: the same but for spelling, or one typo away.

A suggestion is made only when it is close (SPEC §2): letter case, spacing and punctuation, or
one edit (a letter added, dropped, changed or two swapped). "Evening Group" is never taken for
"Morning Group": a different word is not a near miss.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .characters import INVISIBLE

MIN_TYPO_LENGTH = 3  # shorter words are all one edit from each other


def squash(text: str) -> str:
    """The value without case, spaces, punctuation or invisible characters."""
    return "".join(
        ch
        for ch in text.casefold()
        if ch not in INVISIBLE and not ch.isspace() and not unicodedata.category(ch).startswith("P")
    )


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    return a[start : start + 2] == b[start : start + 2][::-1] and a[start + 2 :] == b[start + 2 :]


class Spellings:
    """Known names (tags, choices, headers), looked up the ways a pro mistypes them."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted(set(names)))
        self._by_case: dict[str, list[str]] = {}
        self._by_squash: dict[str, list[str]] = {}
        for name in self.names:
            self._by_case.setdefault(name.casefold(), []).append(name)
            self._by_squash.setdefault(squash(name), []).append(name)

    def differing_in_case(self, value: str) -> list[str]:
        return self._by_case.get(value.casefold(), [])

    def spelled_differently(self, value: str) -> list[str]:
        """Names equal to the value but for case, spaces and punctuation."""
        key = squash(value)
        return self._by_squash.get(key, []) if key else []

    def fix(self, value: str) -> str | None:
        """The one name the value obviously means (case, spacing, punctuation), else None."""
        for found in (self.differing_in_case(value), self.spelled_differently(value)):
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def near_miss(self, value: str) -> str | None:
        """The one name a typo away from the value, for a suggestion in words; else None."""
        key = squash(value)
        if len(key) < MIN_TYPO_LENGTH:
            return None
        close = {
            name
            for squashed, names in self._by_squash.items()
            if len(squashed) >= MIN_TYPO_LENGTH
            and max(len(squashed), len(key)) > MIN_TYPO_LENGTH  # VIA is not a typo of VIP
            and one_edit_apart(key, squashed)
            for name in names
        }
        return close.pop() if len(close) == 1 else None
