"""Which library reads ODS: Roster's expat reader against odfpy and python-calamine.

    pip install odfpy python-calamine   # only for this comparison: Roster needs neither
    python -m benchmarks.ods_readers [--rows 20000] [--repeat 3]

Each reader runs in a fresh process over the same LibreOffice-written file (`soffice` needed),
and returns every cell of the first sheet as text; peak memory is the process's VmHWM.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.file_read import _peak_mib, make_files


def _expat(path: str) -> int:
    from service.sources import workbook

    return len(workbook.read_file(path).rows)


def _odfpy(path: str) -> int:
    from odf import opendocument, table, teletype

    document = opendocument.load(path)
    sheet = document.spreadsheet.getElementsByType(table.Table)[0]
    rows = 0
    for row in sheet.getElementsByType(table.TableRow):
        [teletype.extractText(cell) for cell in row.getElementsByType(table.TableCell)]
        rows += 1
    return rows


def _calamine(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    return len(book.get_sheet_by_index(0).to_python())


READERS = {"Roster (expat, stdlib)": _expat, "odfpy 1.4.1": _odfpy, "python-calamine": _calamine}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        reader, path = args.only
        start = time.process_time()
        try:
            rows = READERS[reader](path)
        except ImportError as error:
            print(json.dumps({"error": str(error)}))
            return
        print(
            json.dumps({"seconds": time.process_time() - start, "rows": rows, "peak": _peak_mib()})
        )
        return
    with tempfile.TemporaryDirectory() as folder:
        path = make_files(Path(folder), args.rows).get("ods")
        if path is None:
            sys.exit("LibreOffice (soffice) is needed to write the ODS file.")
        print(
            f"# ODS, {args.rows:,} rows x 12 columns, best of {args.repeat}; "
            f"{platform.machine()}, Python {platform.python_version()}"
        )
        print("| reader | CPU seconds | rows/s | peak RSS (MiB) |")
        print("|---|---:|---:|---:|")
        for reader in READERS:
            runs = []
            for _ in range(args.repeat):
                out = subprocess.run(
                    [sys.executable, "-m", "benchmarks.ods_readers", "--only", reader, str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs.append(json.loads(out))
            if "error" in runs[0]:
                print(f"| {reader} | not installed | | |")
                continue
            best = min(runs, key=lambda r: r["seconds"])
            print(
                f"| {reader} | {best['seconds']:.2f} | {args.rows / best['seconds']:,.0f} | "
                f"{best['peak']:.0f} |"
            )


if __name__ == "__main__":
    main()
