"""Properties of the engine on generated grids: the real header, cells drawn from the characters
that trip rosters up (no-break and zero-width spaces, combining marks, full-width letters, @, =,
line breaks) and from near-valid values of each column.

ROSTER_PROPERTY_EXAMPLES=5000 runs a deeper search than CI's default of 200 examples per property.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api.schemas import ValidationResult
from service.roster.engine import Validation, validate_grid
from service.roster.grid import CellKind, Grid
from service.roster.issues import Issue, a1

from .builders import HEADER, ORG

CI = settings(
    max_examples=int(os.environ.get("ROSTER_PROPERTY_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ALPHABET = (
    "abcxyzAEMZ019 "  # ASCII letters, uppercase, digits, a space
    "\u00a0\u200b\ufeff"  # no-break space, zero-width space, byte-order mark
    "\u0301\u0308"  # combining marks
    "@=.\n\t-_+!,/#:"  # what emails, formulas, dates and lists are made of
    "ＡＭａｚ＠１"  # full-width letters, at sign and digit
    "\u202e\x07é"  # a bidi override, a control character, an accented letter
)
noise = st.text(alphabet=ALPHABET, max_size=16)

TODAY = dt.date.today()
# the first value of each column is valid: together they make a client row that passes
NEAR_VALID = {
    "email_address": [
        "ann@example.com",
        "Ann@Example.com",
        "bob@example.org",
        "old@example.com",
        "OLD@example.com",
        "ａnn@example.com",
        "ann@example",
        "an n@example.com",
        "an\u200bn@example.com",
    ],
    "initial_password": ["Corr3ct-horse", "short", "Leading1!", "NoSymbol11", "Aa1!aaaa"],
    "first_name": ["Ann", "ann", "Ann\nMarie", "\u202eAnn", "A" * 101, "Jose\u0301"],
    "last_name": ["Lee", "O'Brien", "Lee\x07", "\u2066Lee\u2069"],
    "birthdate": [
        "19850314",
        "1985-03-14",
        "14/03/1985",
        "03/04/1985",
        "20000229",
        "19000229",
        "19000101",
        "18991231",
        TODAY.strftime("%Y%m%d"),
        TODAY.isoformat(),
        (TODAY + dt.timedelta(days=1)).strftime("%Y%m%d"),
        "１９８５０３１４",
    ],
    "gender": ["male", "female", "Male", "FEMALE", "m"],
    "tag": ["VIP", "vip", "Diabetes type 2", "DIABETES TYPE 2", "Gold", ""],
    "external_id": ["A-1", "EXT-1", "a-1", "x" * 256, ""],
    "attribute:Weight": ["72", "+1", "-2.5", ".5", "1,000", "72 kg", ""],
    "attribute:Started": ["20240131", "2024-01-31", "31/01/2024", "20240230", ""],
    "attribute:Consented": ["TRUE", "false", "tRuE", "yes", ""],
    "attribute:Plan": ["Basic", "basic", "PREMIUM", "Gold", ""],
    "attribute:Notes": ["Prefers mornings", "x" * 1001, "=1+1", ""],
}
EDGES = ["", "", "", " ", "\u00a0", "\u200b", "\n", "\ufeff", "\u3000"]
CASES = [str, str, str.upper, str.lower, str.title]


@st.composite
def near_valid(draw: st.DrawFn, field: str) -> str:
    """A plausible value of `field`, perhaps in the wrong case and with junk at its ends."""
    value = draw(st.sampled_from(NEAR_VALID[field]))
    change_case = draw(st.sampled_from(CASES))
    return draw(st.sampled_from(EDGES)) + change_case(value) + draw(st.sampled_from(EDGES))


def cell_for(field: str) -> st.SearchStrategy[str]:
    return st.one_of(near_valid(field), noise, st.just(""))


@st.composite
def header_spellings(draw: st.DrawFn) -> list[str]:
    """The real header, each name in some letter case and with spaces around it."""
    spell = st.sampled_from([str, str.upper, str.title, lambda h: f" {h} ", lambda h: f"{h}\t"])
    return [draw(spell)(name) for name in HEADER]


ALIASES = {
    "email_address": "Email",
    "gender": "Sex",
    "tag": "Tags",
    "first_name": "First Name",
    "attribute:Notes": "Notes",
    "external_id": "external_id\u200b",
}


@st.composite
def grids(draw: st.DrawFn, header: st.SearchStrategy[list[str]] | None = None) -> Grid:
    """A roster grid: ragged rows, empty rows, stray cells past the header, formulas."""
    names = draw(header if header is not None else header_spellings())
    rows: list[list[str]] = [names]
    for _ in range(draw(st.integers(0, 7))):
        if draw(st.integers(0, 5)) == 0:
            rows.append([""] * draw(st.integers(0, len(HEADER))))
            continue
        if draw(st.booleans()):
            cells = [draw(cell_for(field)) for field in HEADER]
        else:  # a valid row with a few changes reaches the rules that need the rest right
            cells = [NEAR_VALID[field][0] for field in HEADER]
            cells[0] = f"client{len(rows)}@example.com"  # so duplicates come from changes
            for field in draw(st.lists(st.sampled_from(HEADER), max_size=3)):
                cells[HEADER.index(field)] = draw(near_valid(field))
        cells += draw(st.lists(st.one_of(noise, st.just("")), max_size=2))  # past the header
        rows.append(cells[: draw(st.integers(1, len(cells)))])
    kinds = {}
    for _ in range(draw(st.integers(0, 3))):
        if len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            if rows[r]:
                c = draw(st.integers(0, len(rows[r]) - 1))
                kinds[(r, c)] = draw(st.sampled_from(list(CellKind)))
    return Grid(rows, kinds=kinds)


def width(grid: Grid) -> int:
    return max((len(cells) for cells in grid.rows), default=0)


def fixes_by_cell(validation: Validation) -> dict[tuple[int, int], set[str]]:
    fixes: dict[tuple[int, int], set[str]] = defaultdict(set)
    for issue in validation.issues:
        if issue.fix is not None and issue.row is not None and issue.column is not None:
            fixes[(issue.row, issue.column)].add(issue.fix)
    return fixes


def apply_fixes(grid: Grid, fixes: dict[tuple[int, int], set[str]]) -> Grid:
    rows = [list(cells) for cells in grid.rows]
    for (row, column), [fix] in fixes.items():
        cells = rows[row - 1]
        cells.extend([""] * (column - len(cells)))
        cells[column - 1] = fix
    return Grid(rows, kinds=dict(grid.kinds))


def error_codes(validation: Validation) -> dict[str | None, set[str]]:
    codes: dict[str | None, set[str]] = defaultdict(set)
    for issue in validation.issues:
        if issue.is_error:
            codes[issue.cell].add(issue.code)
    return codes


@CI
@given(grids())
def test_every_issue_points_inside_the_grid_or_at_the_whole_sheet(grid):
    validation = validate_grid(grid, ORG)
    for issue in validation.issues:
        if issue.row is None or issue.column is None:
            assert (issue.row, issue.column, issue.cell) == (None, None, None)
        else:
            assert 1 <= issue.row <= len(grid.rows)
            assert 1 <= issue.column <= width(grid)
            assert issue.cell == a1(issue.row, issue.column)
        assert issue.severity in ("error", "warning")
        assert issue.code.count(".") == 1
        assert issue.message.endswith((".", "?"))


@CI
@given(grids())
def test_a_cell_never_gets_the_same_code_twice(grid):
    seen = [
        (issue.cell, issue.code)
        for issue in validate_grid(grid, ORG).issues
        if issue.cell is not None
    ]
    assert len(seen) == len(set(seen))


@CI
@given(grids())
def test_issues_are_sorted_by_cell(grid):
    issues = validate_grid(grid, ORG).issues
    assert issues == sorted(issues, key=Issue.sort_key)


@CI
@given(grids())
def test_validation_is_deterministic(grid):
    first = validate_grid(grid, ORG)
    again = validate_grid(Grid([list(r) for r in grid.rows], kinds=dict(grid.kinds)), ORG)
    assert ValidationResult().dump(first) == ValidationResult().dump(again)
    assert first.clients == again.clients


@CI
@given(grids())
def test_the_issues_of_one_cell_never_suggest_two_different_fixes(grid):
    for fixes in fixes_by_cell(validate_grid(grid, ORG)).values():
        assert len(fixes) == 1


@CI
@given(grids())
def test_applying_every_suggested_fix_never_creates_a_new_error(grid):
    before = validate_grid(grid, ORG)
    fixes = fixes_by_cell(before)
    after = validate_grid(apply_fixes(grid, fixes), ORG)
    was, now = error_codes(before), error_codes(after)
    for cell, codes in now.items():
        assert codes <= was.get(cell, set()), f"{cell}: {codes - was.get(cell, set())}"


SPANNING_ROWS = {"email.duplicate", "external_id.duplicate", "external_id.taken"}


@CI
@given(grids())
def test_a_fixed_cell_keeps_no_error_but_those_that_span_rows(grid):
    fixes = fixes_by_cell(validate_grid(grid, ORG))
    now = error_codes(validate_grid(apply_fixes(grid, fixes), ORG))
    for row, column in fixes:
        assert now.get(a1(row, column), set()) <= SPANNING_ROWS, a1(row, column)


@CI
@given(
    grids(
        header=st.lists(
            st.sampled_from([*HEADER, *ALIASES.values()]), min_size=1, max_size=len(HEADER) + 2
        )
    )
)
def test_fixing_misnamed_headers_never_reveals_a_new_error(grid):
    before = validate_grid(grid, ORG)
    after = validate_grid(apply_fixes(grid, fixes_by_cell(before)), ORG)
    was = error_codes(before)
    for cell, codes in error_codes(after).items():
        assert codes <= was.get(cell, set()), f"{cell}: {codes - was.get(cell, set())}"


@CI
@given(grids(), st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=7))
def test_no_message_or_fix_ever_holds_a_password(grid, passwords):
    column = HEADER.index("initial_password")
    for index, password in enumerate(passwords, start=1):
        if index < len(grid.rows):
            cells = grid.rows[index]
            cells.extend([""] * (column + 1 - len(cells)))
            cells[column] = "Ω" + password
    for issue in validate_grid(grid, ORG).issues:
        assert "Ω" not in issue.message
        assert issue.fix is None or "Ω" not in issue.fix
        if issue.field == "initial_password":
            assert issue.fix is None


@CI
@given(grids())
def test_only_rows_without_errors_are_importable(grid):
    validation = validate_grid(grid, ORG)
    blocked = {issue.row for issue in validation.issues if issue.is_error}
    sheet_blocked = any(i.code == "header.missing_required" for i in validation.issues)
    for client in validation.clients:
        assert client.row not in blocked
        assert not sheet_blocked
        assert client.existing == (client.email_address in ORG.client_emails)
