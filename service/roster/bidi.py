"""What a value holding text-direction controls looks like on screen, when that is certain.

A fix must never turn what a pro sees into something else (SPEC §2): deleting the controls
from `Ana` U+202E `airaM` (shown as "AnaMaria") would import "AnaairaM". So the fix is the text
as displayed, worked out here for the cases the Unicode bidirectional algorithm makes plain:
left-to-right text only, controls not nested. Anything else gets no fix: `displayed` is None.
"""

from __future__ import annotations

import unicodedata

from .characters import BIDI_CONTROLS

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_CLOSER = {LRE: PDF, RLE: PDF, LRO: PDF, RLO: PDF, LRI: PDI, RLI: PDI, FSI: PDI}
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def displayed(text: str) -> str | None:
    """The characters in the order a left-to-right cell shows them, or None when unsure."""
    if any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in text):
        return None  # Arabic or Hebrew letters: the order on screen depends on much more
    if any(unicodedata.bidirectional(ch) == "B" for ch in text):
        return None  # a line break ends every control's reach: not worth guessing
    shown: list[str] = []
    position = 0
    while position < len(text):
        ch = text[position]
        if ch not in _CLOSER:
            if ch not in BIDI_CONTROLS:  # a closer with nothing open does nothing
                shown.append(ch)
            position += 1
            continue
        end = text.find(_CLOSER[ch], position + 1)
        end = len(text) if end < 0 else end
        scope = text[position + 1 : end]
        if any(inner in BIDI_CONTROLS for inner in scope):
            return None  # nested controls
        shown_scope = _scope_shown(ch, scope)
        if shown_scope is None:
            return None
        shown.append(shown_scope)
        position = end + 1
    return "".join(shown)


def _scope_shown(control: str, scope: str) -> str | None:
    if control == RLO:
        # every character is forced right-to-left: the run is shown reversed, unless mirrored
        # brackets or combining accents would make the reversal look different again
        if any(unicodedata.mirrored(ch) or unicodedata.combining(ch) for ch in scope):
            return None
        return scope[::-1]
    if control in (RLE, RLI):
        # left-to-right letters inside a right-to-left embedding keep their order, but
        # spaces or punctuation at its edges would move
        if scope and all(unicodedata.bidirectional(ch) == "L" for ch in (scope[0], scope[-1])):
            return scope
        return None
    return scope  # LRE, LRO, LRI, FSI over left-to-right text change nothing
