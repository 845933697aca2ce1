"""Near misses: one edit away, and what is shown for text-direction controls."""

from __future__ import annotations

import pytest

from service.roster.bidi import displayed
from service.roster.similar import Spellings, one_edit_apart


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("vipp", "vip", True),  # a letter added
        ("vp", "vip", True),  # a letter dropped
        ("vlp", "vip", True),  # a letter changed
        ("emial", "email", True),  # two neighbours swapped
        ("vip", "vip", False),  # the same is no edit
        ("eveninggroup", "morninggroup", False),
        ("vipps", "vip", False),
        ("abcd", "badc", False),
    ],
)
def test_one_edit_apart_means_exactly_one_typo(a, b, close):
    assert one_edit_apart(a, b) is close
    assert one_edit_apart(b, a) is close


def test_a_fix_needs_exactly_one_name_the_same_but_for_spelling():
    assert Spellings({"Weight loss"}).fix("weight-loss") == "Weight loss"
    assert Spellings({"Weight loss", "Weightloss"}).fix("weight_loss") is None
    assert Spellings({"VIP", "vip"}).fix("Vip") is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ana\u202eairaM", "AnaMaria"),  # right-to-left override: the run reversed
        ("Ana\u202eairaM\u202c Lee", "AnaMaria Lee"),  # closed by PDF
        ("\u2066Ann\u2069", "Ann"),  # isolate around left-to-right text
        ("\u202bAnn Lee\u202c", "Ann Lee"),  # embedding whose edges are letters
        ("Ann\u202c", "Ann"),  # a closer with nothing open does nothing
        ("\u202bAnn \u202c", None),  # the space at the edge would move
        ("\u202e(airaM)", None),  # brackets are mirrored
        ("\u202eمحمد", None),  # right-to-left letters
        ("\u202eab\u202dcd", None),  # nested
    ],
)
def test_the_displayed_text_is_known_only_when_it_is_certain(text, shown):
    assert displayed(text) == shown
