"""The validation engine: a grid and an organisation snapshot in, issues and importable rows out.

Rules are declared once, in `rules.build_row_schema`; the engine runs each field over a
column's distinct values (rosters repeat genders, dates, tags and names a lot), then adds the
rules that span rows: duplicates within the sheet and what the organisation already holds.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from marshmallow import ValidationError, fields

from ..errors import SheetTooLarge
from .columns import REQUIRED, Column, Layout, read_header
from .dates import CompactDate
from .grid import ERROR_LITERALS, CellKind, Grid
from .issues import ERROR, WARNING, Issue, Problem, a1, summarize
from .organisation import OrgSnapshot
from .rules import BLANK, INVISIBLE, build_row_schema, is_blank

MAX_ROWS = 100_000
MAX_COLUMNS = 60
_NAMED_ROWS = 10  # other rows named in a duplicate's message
# distinct values cached before a column's cache must prove itself: past them, a column that
# has as many distinct values as half its cells stops adding to it (emails, ids never repeat)
CACHE_TRIAL = 4_096


@dataclass(slots=True)
class ClientRow:
    """A row that passed every rule, in the types the import needs."""

    row: int
    email_address: str
    initial_password: str = field(repr=False)
    first_name: str
    last_name: str
    birthdate: dt.date
    gender: str
    tags: tuple[str, ...] = ()
    external_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    existing: bool = False


@dataclass(slots=True)
class Validation:
    """What a validation found."""

    rows: int
    issues: list[Issue]
    clients: list[ClientRow]
    layout: Layout  # the header as read: where each field's column is

    @property
    def summary(self) -> dict[str, int]:
        """Rows, errors and warnings (SPEC §6)."""
        return summarize(self.rows, self.issues)

    @property
    def blocked_rows(self) -> set[int]:
        """The sheet rows that have an error: never imported."""
        return {i.row for i in self.issues if i.is_error and i.row is not None and i.row > 1}

    @property
    def sheet_errors(self) -> list[Issue]:
        """Errors that stop every row: missing columns, bad headers."""
        return [i for i in self.issues if i.is_error and (i.row is None or i.row == 1)]


class _Checked(NamedTuple):
    """One field's verdict on one value: problems, a safe fix, and the loaded value.

    A named tuple: one is made per distinct value, and tuples are the cheapest to make.
    """

    problems: tuple[Problem, ...]
    fix: str | None
    loaded: Any
    blank: bool = False
    key: str = ""  # what uniqueness compares: the value as it will be once fixed


_EMPTY = _Checked((), None, None, blank=True)
# A clean value that loads as itself, keyed as itself: most cells of a roster. One verdict for
# all of them; the value is the cell's (`_loaded`, `_key`), so unique columns (emails,
# passwords, ids) cost no verdict per row.
_SAME = _Checked((), None, None)


def _loaded(verdict: _Checked, cells: list[str], at: int) -> Any:
    return cells[at] if verdict is _SAME else verdict.loaded


def _key(verdict: _Checked, cells: list[str], at: int) -> str:
    return cells[at] if verdict is _SAME else verdict.key


class _FieldRunner:
    """Runs one declared field over values; `cache` keeps the verdict for each distinct value."""

    def __init__(self, name: str, declared: fields.Field) -> None:
        self.name = name
        self.field = declared
        self.secret = bool(declared.metadata.get("secret"))
        self.fixer = declared.metadata.get("fix")
        self.cache: dict[str, _Checked] = {}
        # the first part of this field's issue codes: email.*, password.*, attribute.*, ...
        self.prefix = {"email_address": "email", "initial_password": "password"}.get(
            name, name.split(":")[0]
        )
        # how messages name the column: "email address", 'attribute "Plan"'
        self.label = (
            f'attribute "{name.split(":", 1)[1]}"'
            if name.startswith("attribute:")
            else name.replace("_", " ")
        )
        # Field.deserialize minus what a string cell never needs (missing/None handling); run
        # directly, since unique columns (emails, passwords) call it once per row
        self._convert = declared._deserialize
        self._validators = tuple(declared.validators)

    def _load(self, value: str) -> tuple[tuple[Problem, ...], Any]:
        """Convert, then run every validator, gathering all problems as marshmallow's And does."""
        try:
            loaded = self._convert(value, self.name, None)
        except ValidationError as error:
            return self._problems(error), None
        problems: tuple[Problem, ...] = ()
        for validator in self._validators:
            try:
                validator(loaded)
            except ValidationError as error:
                problems += self._problems(error)
        return problems, None if problems else loaded

    def _problems(self, error: ValidationError) -> tuple[Problem, ...]:
        messages = error.messages if isinstance(error.messages, list) else [error.messages]
        return tuple(
            m if isinstance(m, Problem) else Problem(f"{self.prefix}.invalid", str(m))
            for m in messages
        )

    def judge(self, value: str) -> _Checked:
        """The verdict on one value; the caller keeps it in `cache`."""
        trimmed = value.strip(BLANK)
        if not trimmed:
            return _EMPTY
        if trimmed == value or self.secret:
            problems, loaded = self._load(value)
            if not problems:  # the common case: a clean value, no edge to report
                if loaded is value and trimmed is value:
                    return _SAME
                return _Checked((), None, loaded, key=trimmed)
        stripped = value if self.secret else trimmed
        edge: list[Problem] = []
        if stripped != value:
            edge.append(self._edge_problem(value, stripped))
        problems, loaded = self._load(stripped)
        # one message per code and cell: the rule's own (an email's inside) says more
        problems = tuple(e for e in edge if all(p.code != e.code for p in problems)) + problems
        if not problems:
            return _Checked((), None, loaded, key=trimmed)
        fix = None if self.secret else self._safe_fix(value, stripped)
        return _Checked(problems, fix, None, key=fix or trimmed)

    def _edge_problem(self, value: str, stripped: str) -> Problem:
        start, end = value.lstrip(BLANK), value.rstrip(BLANK)
        ends = value[: len(value) - len(start)] + value[len(end) :]
        if any(ch in INVISIBLE for ch in ends):
            return Problem(
                f"{self.prefix}.invisible_characters",
                f"The {self.label} starts or ends with invisible characters (zero-width or "
                "no-break spaces): remove them.",
            )
        return Problem(
            f"{self.prefix}.surrounding_spaces",
            f"The {self.label} starts or ends with spaces or line breaks: remove them.",
        )

    def _safe_fix(self, value: str, stripped: str) -> str | None:
        candidate = stripped
        if self.fixer is not None:
            # a fixer may bare invisible characters (Ann\u200b\x07 -> Ann\u200b): strip again
            candidate = (self.fixer(stripped) or stripped).strip(BLANK)
        if candidate == value or not candidate:
            return None
        problems, _ = self._load(candidate)
        return None if problems else candidate


class _Seen:
    """The rows holding each value that must be unique: a number per value, a list for repeats.

    Most values are unique, so most never get a list (a list per row was 20 MiB at 100,000 rows).
    """

    __slots__ = ("first", "repeats")

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.repeats: dict[str, list[int]] = {}  # values in two rows or more: every such row

    def add(self, key: str, row: int) -> None:
        first = self.first.setdefault(key, row)
        if first != row:
            self.repeats.setdefault(key, [first]).append(row)

    def rows(self, key: str) -> list[int]:
        return self.repeats.get(key) or [self.first[key]]


def _folded(key: str) -> str:
    """An email as compared: casefolded (an ASCII lowercase one already is: no copy)."""
    return key if key.isascii() and key.islower() else key.casefold()


def _other_rows(rows: list[int], row: int) -> str:
    """The rows that repeat a value, beside `row`; a few, so messages stay short (not n²)."""
    others = [r for r in rows[: _NAMED_ROWS + 1] if r != row][:_NAMED_ROWS]
    named = ", ".join(str(r) for r in others)
    more = len(rows) - 1 - len(others)
    if more:
        return f"rows {named} and {more:,} more"
    return f"row{'s' if len(others) > 1 else ''} {named}"


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Building 100,000-row structures triggers the cyclic collector over and over for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_size(rows: int, columns: int) -> None:
    """Refuse a sheet beyond SPEC §9 before any work."""
    if rows - 1 > MAX_ROWS:
        raise SheetTooLarge(
            f"The sheet has {rows - 1:,} client rows; Roster takes at most "
            f"{MAX_ROWS:,} per worksheet. Split it over several worksheets."
        )
    if columns > MAX_COLUMNS:
        raise SheetTooLarge(
            f"The sheet has {columns} columns; Roster takes at most "
            f"{MAX_COLUMNS}. Delete the columns it does not need."
        )


def used_extent(grid: Grid) -> tuple[int, int]:
    """Rows and columns up to the last one that holds something: trailing empty ones are ignored.

    Client rows are counted first (blank rows anywhere are not clients), so that a sheet far too
    long is refused before any column is read.
    """
    rows = len(grid.rows)
    while rows and _blank_row(grid, rows - 1):
        rows -= 1
    if rows - 1 > MAX_ROWS:
        check_size(1 + sum(1 for index in range(1, rows) if not _blank_row(grid, index)), 0)
    width = max((len(cells) for cells in grid.rows[:rows]), default=0)
    if width > MAX_COLUMNS:  # sources may pad rows with empty cells: look at what they hold
        width = max((_used_width(cells) for cells in grid.rows[:rows]), default=0)
    return rows, width


def _blank_row(grid: Grid, index: int) -> bool:
    cells = grid.rows[index]
    has_kind = bool(grid.kinds) and any((index, c) in grid.kinds for c in range(len(cells)))
    return not has_kind and (not any(cells) or all(is_blank(cell) for cell in cells))


def _used_width(cells: list[str]) -> int:
    return next((c + 1 for c in range(len(cells) - 1, -1, -1) if not is_blank(cells[c])), 0)


def validate_grid(grid: Grid, org: OrgSnapshot) -> Validation:
    """Check every cell of a roster grid (SPEC §2) and return issues sorted by cell."""
    rows, width = used_extent(grid)
    check_size(1, width)  # rows were counted by used_extent, blank ones left out
    if len(grid.tabs) > 1 and not any(h.strip().lower() == "email_address" for h in grid.header):
        return Validation(0, [_no_roster_tab(grid.tabs)], [], Layout([], 0, []))
    with _no_cyclic_gc():
        return _Run(grid, org).run(rows)


def _no_roster_tab(tabs: tuple[str, ...]) -> Issue:
    """One error for a workbook none of whose tabs has a roster header."""
    return Issue(
        None,
        None,
        None,
        "sheet.no_roster_tab",
        ERROR,
        f"No tab of this workbook has Roster's headers (email_address in row 1); its tabs are "
        f"{', '.join(tabs)}. Put the headers in row 1 of the roster's tab, or name the tab "
        "to read (roster validate --worksheet TITLE).",
    )


class _Run:
    """One validation pass; holds the per-run caches."""

    def __init__(self, grid: Grid, org: OrgSnapshot) -> None:
        self.grid = grid
        self.org = org
        self.layout = read_header(grid.header, org)
        schema = build_row_schema(org, decimal_comma=grid.decimal_comma)
        self.runners = {name: _FieldRunner(name, f) for name, f in schema.fields.items()}
        self.issues: list[Issue] = list(self.layout.issues)
        # columns whose header exists but is wrong: data under them is not "extra"
        self.named = {i for i, h in enumerate(grid.header) if not is_blank(h)}
        self.header_width = len(grid.header)
        self.unnamed = tuple(i for i in range(self.header_width) if i not in self.named)
        # values that must be unique in the sheet, compared as they will be once fixed
        self.keyed: dict[str, _Seen] = {"email_address": _Seen(), "external_id": _Seen()}
        # (row, external id, the row's email as keyed): checked against the organisation
        self.external_ids: list[tuple[int, str, str]] = []

    def run(self, used_rows: int) -> Validation:
        """Column by column: each column's runner and cache stay hot across all rows."""
        grid = self.grid
        data = [
            (index, grid.rows[index])
            for index in range(1, used_rows)
            if not _blank_row(grid, index)
        ]
        for index, cells in data:
            self._extra_cells(index, cells)
        bad: set[int] = {issue.row for issue in self.issues if issue.row and issue.row > 1}
        verdicts = {column: self._column(column, data, bad) for column in self.layout.columns}
        for name in self.keyed:
            for column, checked in verdicts.items():
                if column.field != name:
                    continue
                add, at = self.keyed[name].add, column.index
                fold = name == "email_address"
                for (index, cells), verdict in zip(data, checked, strict=True):
                    key = _key(verdict, cells, at) if verdict is not None else ""
                    if key:
                        add(_folded(key) if fold else key, index + 1)
        can_load = not any(i.code == "header.missing_required" for i in self.layout.issues)
        clients = self._clients(data, verdicts, bad) if can_load else []
        self._duplicates(
            self.keyed["email_address"], "email_address", "email.duplicate", "email address"
        )
        self._duplicates(
            self.keyed["external_id"], "external_id", "external_id.duplicate", "external id"
        )
        self._external_ids(data, verdicts)
        self._against_organisation(clients)
        blocked = {i.row for i in self.issues if i.is_error}
        clients = [c for c in clients if c.row not in blocked]
        self.issues.sort(key=Issue.sort_key)
        return Validation(len(data), self.issues, clients, self.layout)

    def _column(
        self, column: Column, data: list[tuple[int, list[str]]], bad: set[int]
    ) -> list[_Checked | None]:
        """Every cell of one column: its verdict (None where a formula or error value sits)."""
        runner = self.runners[column.field]
        cache, judge, kinds = runner.cache, runner.judge, self.grid.kinds
        at, name, number = column.index, column.field, column.index + 1
        required = name in REQUIRED
        issues = self.issues
        checked: list[_Checked | None] = []
        caching = True
        # a file's date cells: the date each holds, for a fix the shown text cannot give
        dates = self.grid.dates if isinstance(runner.field, CompactDate) else None
        for index, cells in data:
            value = cells[at] if at < len(cells) else ""
            if kinds and (index, at) in kinds:
                self._special(index, column, value, kinds[(index, at)])
                bad.add(index + 1)
                checked.append(None)
                continue
            verdict = cache.get(value)
            if verdict is None:
                verdict = judge(value)
                if caching:
                    cache[value] = verdict
                    # a column of distinct values (emails, passwords, ids) never hits: stop
                    caching = len(cache) < CACHE_TRIAL or len(cache) * 2 < len(checked)
            if verdict.problems:
                bad.add(index + 1)
                fix = verdict.fix
                if fix is None and dates and (index, at) in dates:
                    fix = self._date_fix(runner, dates[(index, at)])
                for problem in verdict.problems:
                    issues.append(
                        Issue(
                            index + 1,
                            number,
                            name,
                            problem.code,
                            problem.severity,
                            str(problem),
                            fix,
                        )
                    )
            elif verdict.blank and required:
                bad.add(index + 1)
                issues.append(
                    Issue(
                        index + 1,
                        number,
                        name,
                        f"{runner.prefix}.required",
                        ERROR,
                        f"The {name.replace('_', ' ')} is required: fill in this cell.",
                    )
                )
            checked.append(verdict)
        return checked

    @staticmethod
    def _date_fix(runner: _FieldRunner, held: str) -> str | None:
        """The YYYYMMDD a date cell holds, as its fix when the field takes it (03/04/1990)."""
        verdict = runner.cache.get(held) or runner.judge(held)
        return held if not verdict.problems and not verdict.blank else None

    def _extra_cells(self, index: int, cells: list[str]) -> None:
        # only cells under a blank header, or right of the last header, can be extra
        for c in (*self.unnamed, *range(self.header_width, len(cells))):
            if c >= len(cells) or is_blank(cells[c]):
                continue
            self.issues.append(
                Issue(
                    index + 1,
                    c + 1,
                    None,
                    "cell.extra",
                    ERROR,
                    f"This cell has no column header: move the value under a "
                    f"Roster column or delete it ({a1(1, c + 1)} is empty).",
                )
            )

    def _special(self, index: int, column: Column, value: str, kind: CellKind) -> None:
        row, number, name = index + 1, column.index + 1, column.field
        if kind is CellKind.FORMULA:
            advice = (
                # a typed password starting with "=" became a formula: its value is not the
                # password, so pasting values would keep the wrong text
                "This password starts with = and became a formula: retype it with an "
                "apostrophe in front ('=…) so that it stays text."
                if name == "initial_password"
                else "This cell holds a formula: replace it with the plain value "
                "(copy, then Paste special > Values only)."
            )
            self.issues.append(Issue(row, number, name, "cell.formula", ERROR, advice))
            return
        if kind is CellKind.DIGITS_LOST:
            shown = "" if self.runners[name].secret else f" ({value})"  # never a password
            self.issues.append(
                Issue(
                    row,
                    number,
                    name,
                    "cell.digits_lost",
                    ERROR,
                    f"This number is shown in scientific notation{shown}, so its last "
                    "digits are lost: format the column as Text, type the full value again "
                    "and save.",
                )
            )
            return
        # name the error only when it is one: the cell may be a password's
        shown = f"the error {value}" if value in ERROR_LITERALS else "an error"
        self.issues.append(
            Issue(
                row,
                number,
                name,
                "cell.error_value",
                ERROR,
                f"This cell shows {shown}: type the intended value instead.",
            )
        )

    def _clients(
        self,
        data: list[tuple[int, list[str]]],
        verdicts: dict[Column, list[_Checked | None]],
        bad: set[int],
    ) -> list[ClientRow]:
        """The rows with no error so far, in the types the import needs."""
        columns = list(verdicts.items())
        clients = []
        for position, (index, cells) in enumerate(data):
            if index + 1 in bad:
                continue
            record: dict[str, Any] = {}
            tags: list[str] = []
            attributes: dict[str, Any] = {}
            for column, checked in columns:
                verdict = checked[position]
                if verdict is None:
                    continue
                loaded = _loaded(verdict, cells, column.index)
                if loaded is None:
                    continue
                if column.field == "tag":
                    tags.append(loaded)
                elif column.attribute is not None:
                    attributes[column.attribute] = loaded
                else:
                    record[column.field] = loaded
            clients.append(
                ClientRow(
                    row=index + 1, tags=tuple(dict.fromkeys(tags)), attributes=attributes, **record
                )
            )
        return clients

    def _external_ids(
        self, data: list[tuple[int, list[str]]], verdicts: dict[Column, list[_Checked | None]]
    ) -> None:
        """(row, external id, email as keyed) for every row, to judge against the organisation."""
        by_field = {column.field: checked for column, checked in verdicts.items()}
        externals, emails = by_field.get("external_id"), by_field.get("email_address")
        if externals is None:
            return
        taken = self.org.external_ids
        at = {column.field: column.index for column in verdicts}
        for position, (index, cells) in enumerate(data):
            external = externals[position]
            if external is None:
                continue
            key = _key(external, cells, at["external_id"])
            if key not in taken:  # only an id the organisation holds can be another's
                continue
            email = emails[position] if emails is not None else None
            self.external_ids.append(
                (
                    index + 1,
                    key,
                    _folded(_key(email, cells, at["email_address"])) if email is not None else "",
                )
            )

    def _duplicates(self, seen: _Seen, name: str, code: str, label: str) -> None:
        column = self._column_number(name)
        for rows in seen.repeats.values():
            for row in rows:
                self.issues.append(
                    Issue(
                        row,
                        column,
                        name,
                        code,
                        ERROR,
                        f"This {label} is also in {_other_rows(rows, row)}: "
                        "each client needs their own.",
                    )
                )

    def _column_number(self, name: str) -> int | None:
        index = self.layout.index_of(name)
        return None if index is None else index + 1

    def _against_organisation(self, clients: list[ClientRow]) -> None:
        """Existing clients and their external ids, judged on every row, whatever else is wrong.

        Emails are compared as they will be once fixed, so fixing a row never reveals an error.
        """
        email_column = self._column_number("email_address")
        known = {email.casefold() for email in self.org.client_emails}
        emails = self.keyed["email_address"]
        for key in emails.first.keys() & known:
            for row in emails.rows(key):
                self.issues.append(
                    Issue(
                        row,
                        email_column,
                        "email_address",
                        "email.already_client",
                        WARNING,
                        "Already a client of your organisation: an import "
                        "skips this row, or updates the client's profile "
                        "when asked to update existing clients.",
                    )
                )
        for client in clients:
            client.existing = client.email_address.casefold() in known
        external_column = self._column_number("external_id")
        for row, external_id, email in self.external_ids:
            owner = self.org.external_ids.get(external_id)
            if owner is not None and owner.casefold() != email:
                self.issues.append(
                    Issue(
                        row,
                        external_column,
                        "external_id",
                        "external_id.taken",
                        ERROR,
                        f"This external id already belongs to another "
                        f"client ({owner}): use a different one.",
                    )
                )
