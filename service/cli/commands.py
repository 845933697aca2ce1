"""`roster` commands that check, fix and import a roster, list clients, serve and seed the demo:
thin wrappers over the same use cases the API calls."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from .. import organisations
from ..api.schemas import ClientList, ImportSchema, ValidationResult
from ..config import Settings
from ..errors import Findings, ImportBlocked, SourceError
from ..fixes import apply_fixes, fix_file
from ..imports import jobs, report
from ..imports.clients import list_clients, outcomes
from ..imports.passwords import PasswordHashing
from ..imports.runs import ImportStatus
from ..roster.issues import Issue
from ..roster.wording import plural
from ..sources import links, locate
from ..sources.annotate import annotate as write_annotated
from ..validation import validate_source
from .common import (
    EXIT_ERRORS,
    EXIT_OK,
    database,
    echo_json,
    fail,
    friendly,
    google_sheets,
    has_fix,
    main,
    option_org,
    option_worksheet,
)

if TYPE_CHECKING:
    from ..roster.engine import Validation


@main.command()
@click.argument("source")
@option_worksheet
@option_org
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--annotate", metavar="OUT.xlsx", help="Write a copy with the issues as comments.")
@friendly
def validate(
    source: str, worksheet: str | None, org: str | None, fmt: str, annotate: str | None
) -> None:
    """Check SOURCE (a .csv/.xlsx/.ods file, or a Google spreadsheet id or URL)."""
    where, tab = links.parse(source, worksheet)
    if annotate and links.SHEET_ID.fullmatch(where):
        fail("--annotate works on files; a Google Sheet gets notes in its cells.")
    settings = Settings.from_env()
    with database(settings) as db:
        sheets = google_sheets(settings)
        organisation = organisations.resolve(db, slug=org, spreadsheet_id=where)
        checked = validate_source(db, sheets, where, tab, organisation.id)
        if annotate:
            write_annotated(source, checked.grid, checked.issues, annotate)
    if fmt == "json":
        echo_json(ValidationResult().dump(checked))
    else:
        click.echo(f"Worksheet read: {_tab(checked.grid)}")
        _print_issues(checked.validation)
        if not checked.in_sheet and any(i.fix is not None for i in checked.issues):
            click.echo(f"Apply the suggested fixes to a copy: roster fix {source} -o FIXED")
        if notes := checked.notes:
            click.echo(
                f"Sheet notes: {notes['written']:,} written, {notes['cleared']:,} cleared, "
                f"{plural(notes['kept_personal'], 'cell')} kept a person's note."
            )
        if annotate:
            click.echo(f"Annotated copy written to {annotate}.")
    sys.exit(EXIT_ERRORS if checked.summary["errors"] else EXIT_OK)


def _tab(grid: Any) -> str:
    """The tab read, and the other tabs a workbook has, so that a wrong guess shows."""
    others = [t for t in grid.tabs if t != grid.title]
    if not others:
        return f'"{grid.title}"'
    listed = ", ".join(f'"{t}"' for t in others)
    return f'"{grid.title}" (other tabs: {listed}; choose one with --worksheet TITLE)'


def _print_issues(validation: Findings) -> None:
    issues = validation.issues
    if issues:
        width = max(len(i.cell or "sheet") for i in issues)
        for issue in issues:
            fix = f'  [fix: "{issue.fix}"]' if issue.fix is not None else ""
            click.echo(f"{(issue.cell or 'sheet'):<{width}}  {_label(issue)}  {issue.message}{fix}")
    s = validation.summary
    click.echo(
        f"{plural(s['rows'], 'row')}, {plural(s['errors'], 'error')}, "
        f"{plural(s['warnings'], 'warning')}."
    )


def _label(issue: Issue) -> str:
    return "error  " if issue.is_error else "warning"


@main.command()
@click.argument("source")
@click.option("-o", "--output", metavar="OUT", help="Where to write the fixed copy of a file.")
@option_worksheet
@option_org
@friendly
def fix(source: str, output: str | None, worksheet: str | None, org: str | None) -> None:
    """Apply every unambiguous fix: to a copy of a file (-o OUT), or in a Google Sheet."""
    where, sheet = links.parse(source, worksheet)
    is_file = locate.is_file(where)
    if is_file:
        _check_copy(source, output)
    settings = Settings.from_env()
    with database(settings) as db:
        organisation = organisations.resolve(db, slug=org, spreadsheet_id=where)
        if is_file:
            assert output is not None
            snapshot = organisations.snapshot(db, organisation.id)
            result = _fix_into(source, output, snapshot, sheet)
        else:
            result = apply_fixes(db, google_sheets(settings), where, sheet, organisation.id)
    if "worksheet" in result:
        click.echo(f'Worksheet fixed: "{result["worksheet"]}"')
    for change in result["changed"]:
        click.echo(f"{change['cell']}  {change['field']}  -> {change['value']}")
    where = f"; copy written to {output}" if is_file else " in the sheet"
    click.echo(f"{plural(len(result['changed']), 'cell')} changed{where}.")
    s = result["summary"]
    click.echo(
        f"Left: {s['rows']} rows, {s['errors']} errors, {s['warnings']} warnings"
        + (" (none has a safe fix: see roster validate)." if s["errors"] else ".")
    )
    sys.exit(EXIT_ERRORS if s["errors"] else EXIT_OK)


def _check_copy(source: str, output: str | None) -> None:
    """A fix writes a new file of the same format and never changes the original."""
    if not output:
        fail("roster fix on a file needs -o OUT, the copy to write (SOURCE is never changed).")
    assert output is not None
    if Path(output).suffix.lower() != Path(source).suffix.lower():
        fail(
            f"-o {output}: the fixed copy keeps the format of {source}; "
            f"name it *{Path(source).suffix}."
        )
    if Path(output).resolve() == Path(source).resolve():
        fail("-o must name a new file: roster fix never changes SOURCE itself.")


def _fix_into(source: str, output: str, snapshot: Any, worksheet: str | int | None) -> Any:
    """Fix a file into OUT, written whole or not at all."""
    try:
        data = Path(source).read_bytes()
    except OSError as error:
        raise SourceError(f"{source}: cannot be read ({error.strerror}).") from error
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as out:
            result = fix_file(data, source, snapshot, out, worksheet)
        os.replace(partial, target)
    except OSError as error:
        raise SourceError(f"{output}: cannot be written ({error.strerror}).") from error
    finally:
        partial.unlink(missing_ok=True)
    return result


@main.command(name="import")
@click.argument("source")
@option_worksheet
@option_org
@click.option("--skip-invalid", is_flag=True, help="Import the rows without errors.")
@click.option("--update-existing", is_flag=True, help="Update existing clients' profiles.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("--as", "started_by", default="cli", metavar="EMAIL", help="Who is importing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@friendly
def import_(
    source: str,
    worksheet: str | None,
    org: str | None,
    skip_invalid: bool,
    update_existing: bool,
    dry_run: bool,
    started_by: str,
    fmt: str,
) -> None:
    """Import SOURCE's valid rows as clients (no invitation is sent)."""
    source, sheet = links.parse(source, worksheet)
    is_file = locate.is_file(source)
    settings = Settings.from_env()
    sheets = google_sheets(settings)
    with database(settings) as db, PasswordHashing.from_settings(settings) as hashing:
        mode = "skip_invalid" if skip_invalid else "all_or_nothing"
        try:
            started = jobs.start_import(
                db,
                sheets,
                settings,
                source,
                sheet,
                started_by,
                slug=org,
                mode=mode,
                update_existing=update_existing,
                dry_run=dry_run,
            )
        except ImportBlocked as blocked:
            found = cast("Validation", blocked.validation)  # start_import raises it with one
            why = report.blocked_message(
                found,
                source,
                is_file,
                skip_invalid,
                via_cli=True,
                update_existing=update_existing,
                can_fix=has_fix(),
            )
            if fmt == "json":
                echo_json({**ValidationResult().dump(found), "message": why})
            else:
                _print_issues(found)
            click.echo(why, err=True)
            sys.exit(EXIT_ERRORS)
        plan = started.plan
        groups = report.left_out(started.prepared.validation, update_existing)
        if started.run is None:
            said = [report.plan_line(plan)]
            if started.blocked:
                said.append(
                    report.blocked_message(
                        started.prepared.validation,
                        source,
                        is_file,
                        skip_invalid,
                        via_cli=True,
                        dry_run=True,
                        update_existing=update_existing,
                        can_fix=has_fix(),
                    )
                )
            said.append(
                "Dry run: nothing was imported"
                + ("." if is_file else "; the sheet's notes were updated.")
            )
            if fmt == "json":
                echo_json({"plan": plan, "left_out": report.report_dict(groups)})
            else:
                click.echo("\n".join(said))
            sys.exit(EXIT_ERRORS if started.blocked else EXIT_OK)
        if fmt == "text":
            click.echo(report.plan_line(plan))
        with click.progressbar(
            length=max(started.run.total, 1), label="Importing", file=sys.stderr
        ) as bar:
            done = started.run.processed
            bar.update(done)

            def progress(run: ImportStatus) -> None:
                """Move the bar to the rows the run has processed."""
                nonlocal done
                bar.update(run.processed - done)
                done = run.processed

            run = jobs.work(
                db, sheets, hashing, settings, started.run.id, progress, started.prepared
            )
        unchanged = sum(1 for *_, outcome in outcomes(db, run.id) if outcome == "unchanged")
    result = {**ImportSchema().dump(run), "unchanged": unchanged}
    lines = report.result_lines(
        result,
        groups,
        source=source,
        is_file=is_file,
        update_existing=update_existing,
        can_fix=has_fix(),
    )
    if run.message:
        lines.append(run.message)
    if fmt == "json":
        echo_json(
            {
                "plan": plan,
                "import": result,
                "left_out": report.report_dict(groups),
                "report": lines,
            }
        )
    else:
        click.echo("\n".join(lines))
    sys.exit(EXIT_OK if run.status == "succeeded" else EXIT_ERRORS)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, type=int, show_default=True)
@friendly
def serve(host: str, port: int) -> None:
    """Run the backend and web console, configured from the environment."""
    from werkzeug.serving import run_simple

    from .. import create_app

    app = create_app()
    click.echo(f"Roster is running: open http://{host}:{port}/ (Ctrl+C to stop).")
    run_simple(host, port, app, threaded=True)


@main.command()
@friendly
def demo() -> None:
    """Give the default organisation the demo's tags, attributes and admin (idempotent)."""
    from ..demo import seed_demo

    settings = Settings.from_env()
    with database(settings) as db:
        seed_demo(db, settings.dev_user)
    click.echo("Demo organisation ready: try `roster validate examples/roster.csv`.")


@main.group()
def clients() -> None:
    """Client accounts."""


@clients.command(name="list")
@option_org
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@friendly
def clients_list(org: str | None, fmt: str) -> None:
    """List the organisation's clients (never a password or hash)."""
    with database(Settings.from_env()) as db:
        organisation = organisations.resolve(db, slug=org)
        listed = list_clients(db, organisation.id)
    if fmt == "json":
        echo_json(ClientList().dump({"clients": listed}))
        return
    for c in listed:
        click.echo(
            f"{c.email_address}  {c.first_name} {c.last_name}  {c.birthdate:%Y%m%d}"
            f"  {c.gender}  {','.join(c.tags)}"
        )
    click.echo(f"{plural(len(listed), 'client')}.")


@main.group()
def db() -> None:
    """The database."""


@db.command(name="upgrade")
@friendly
def db_upgrade() -> None:
    """Apply schema migrations."""
    with database(Settings.from_env()):
        pass
    click.echo("Database is up to date.")
