"""Reading files alone (no validation): CSV, XLSX and ODS speed, and the peak memory of bombs.

    python -m benchmarks.file_read [--rows 20000] [--repeat 3] [--no-bombs]

Each measurement runs in a fresh process, so its peak memory (max RSS) is its own. The ODS file
is converted from the XLSX one by LibreOffice (`soffice`), when it is installed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks import roster_data


def make_files(folder: Path, rows: int) -> dict[str, Path]:
    """The benchmark roster as CSV, XLSX (openpyxl) and ODS (LibreOffice, if installed)."""
    from openpyxl import Workbook

    grid = roster_data.roster(rows)
    paths = {"csv": folder / "roster.csv", "xlsx": folder / "roster.xlsx"}
    with paths["csv"].open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(grid.rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Roster")
    for values in grid.rows:
        sheet.append(values)
    book.save(paths["xlsx"])
    soffice = shutil.which("soffice")
    if soffice:
        subprocess.run(
            [soffice, "--headless", "--convert-to", "ods", "--outdir", str(folder), paths["xlsx"]],
            check=True,
            capture_output=True,
            timeout=600,
        )
        paths["ods"] = folder / "roster.ods"
    return paths


def make_bombs(folder: Path) -> dict[str, Path]:
    """Small files that inflate: the cases of issue 9."""
    header = "email_address,initial_password,first_name,last_name,birthdate,gender"
    bombs = {}
    bombs["xlsx_sparse_row"] = _xlsx(
        folder / "sparse.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>email_address</t></is></c></row>'
        '<row r="10000000"><c r="A10000000" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    bombs["xlsx_giant_cell"] = _xlsx(
        folder / "giant.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "a" * 100_000_000 + "</t></is></c></row>",
    )
    blank = folder / "blank.csv"
    blank.write_bytes(header.encode() + b"\n" * 45_000_000)
    bombs["csv_blank_lines"] = blank
    from tests.sources import bombs as ods_bombs  # the same builders the tests use

    for kind, data in {
        "ods_repeated_row": ods_bombs.ods_repeated_row(),
        "ods_sparse_row": ods_bombs.ods_sparse_row(),
        "ods_giant_cell": ods_bombs.ods(
            f"<table:table-row>{ods_bombs.ods_cell('a' * 100_000_000)}</table:table-row>"
        ),
    }.items():
        bombs[kind] = folder / f"{kind}.ods"
        bombs[kind].write_bytes(data)
    return bombs


def _xlsx(path: Path, rows: str) -> Path:
    from openpyxl import Workbook

    Workbook().save(path)
    buffer = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{rows}</sheetData></worksheet>"
                ).encode()
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def measure(path: str) -> dict[str, object]:
    """Read one file; time and peak memory, or the error it was refused with."""
    from service.sources import workbook

    warm_up = Path(tempfile.mkdtemp()) / "warm_up.csv"  # modules a reader imports lazily
    warm_up.write_text("email_address\nann@example.com\n", encoding="utf-8")
    workbook.read_file(warm_up)
    start = time.process_time()  # CPU time: the machine is shared, wall time is noisy
    try:
        grid = workbook.read_file(path)
        outcome = f"{len(grid.rows):,} rows"
    except Exception as error:  # a bomb is refused: say how
        outcome = f"{type(error).__name__}: {str(error)[:70]}"
    elapsed = time.process_time() - start
    return {"seconds": elapsed, "peak_mib": _peak_mib(), "outcome": outcome}


def _peak_mib() -> float:
    """This process's peak RSS since it started (VmHWM: unlike ru_maxrss, not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.file_read", "--only", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-bombs", action="store_true")
    parser.add_argument("--only", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only)))
        return
    with tempfile.TemporaryDirectory() as folder:
        paths = make_files(Path(folder), args.rows)
        print(
            f"# read {args.rows:,} rows x {len(roster_data.HEADER)} columns; best of "
            f"{args.repeat}; {platform.machine()}, Python {platform.python_version()}"
        )
        print("| format | file size (KB) | CPU seconds | rows/s | peak RSS (MiB) |")
        print("|---|---:|---:|---:|---:|")
        for kind, path in paths.items():
            runs = [_run(path) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
            seconds = float(best["seconds"])  # type: ignore[arg-type]
            print(
                f"| {kind} | {path.stat().st_size / 1024:,.0f} | {seconds:.2f} | "
                f"{args.rows / seconds:,.0f} | {best['peak_mib']:.0f} |"
            )
        if args.no_bombs:
            return
        print()
        print("| bomb | file size (KB) | CPU seconds | peak RSS (MiB) | outcome |")
        print("|---|---:|---:|---:|---|")
        for kind, path in make_bombs(Path(folder)).items():
            r = _run(path)
            print(
                f"| {kind} | {path.stat().st_size / 1024:,.0f} | {r['seconds']:.2f} | "
                f"{r['peak_mib']:.0f} | {r['outcome']} |"
            )


if __name__ == "__main__":
    main()
