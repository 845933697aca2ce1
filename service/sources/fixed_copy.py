"""The fixed copy of a file: the same format, the fixed cells rewritten, every other cell kept.

CSV is edited byte by byte (csv_file.fixed_copy); XLSX through openpyxl, which keeps styles and
number formats; ODS by rewriting only the fixed cells of `content.xml`, every other part of the
archive copied as it was. A fixed cell becomes text, since a fix is the text Roster expects.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile

from ..errors import SourceError
from . import csv_file

Changes = dict[tuple[int, int], str]  # 0-based (row, column) -> the fixed value


def fixed_copy(data: bytes, suffix: str, title: str, changes: Changes) -> bytes:
    """The file's bytes with `changes` applied on the tab `title`."""
    if suffix == ".csv":
        return csv_file.fixed_copy(data, dict(changes))
    if suffix == ".ods":
        return _ods(data, title, changes)
    return _xlsx(data, title, changes)


def _xlsx(data: bytes, title: str, changes: Changes) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book[title]
    for (row, column), value in changes.items():
        cell = sheet.cell(row=row + 1, column=column + 1)
        cell.value = value
        cell.data_type = "s"  # a fix is text, never a formula
        cell.number_format = "@"  # shown as typed, and retyped as text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- ODS -----------------------------------------------------------------------------------------

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_ROWS_REPEATED = _q("table", "number-rows-repeated")
_COLUMNS_REPEATED = _q("table", "number-columns-repeated")
_ROW, _TABLE = _q("table", "table-row"), _q("table", "table")
_CELLS = (_q("table", "table-cell"), _q("table", "covered-table-cell"))
_VALUE_ATTRIBUTES = [
    _q("office", a)
    for a in ("value", "date-value", "time-value", "boolean-value", "string-value", "currency")
] + [_q("table", "formula")]


def _ods(data: bytes, title: str, changes: Changes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    content = source.read("content.xml")
    declared = dict(_declarations(content))
    for prefix, uri in declared.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(content)
    table = next((t for t in root.iter(_TABLE) if t.get(_q("table", "name")) == title), None)
    if table is None:
        raise SourceError(f"The tab {title} is gone from the file; nothing was written.")
    by_row: dict[int, dict[int, str]] = {}
    for (row, column), value in changes.items():
        by_row.setdefault(row, {})[column] = value
    _apply_rows(table, by_row, _NS["calcext"] in declared.values())
    text = ET.tostring(root, encoding="unicode")
    # ElementTree declares only the namespaces elements use; formulas (of:=…) and styles name
    # others in attribute values, so every declaration of the original root is kept
    head = text[: text.index(">")]
    missing = "".join(f' xmlns:{p}="{u}"' for p, u in declared.items() if f"xmlns:{p}=" not in head)
    text = text[: len(head)] + missing + text[len(head) :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "content.xml":
                body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")
            target.writestr(item, body, compress_type=item.compress_type)
    return out.getvalue()


def _declarations(content: bytes) -> list[tuple[str, str]]:
    return [
        (prefix, uri)
        for _, (prefix, uri) in ET.iterparse(io.BytesIO(content), events=("start-ns",))
        if prefix
    ]


def _apply_rows(table: ET.Element, by_row: dict[int, dict[int, str]], calcext: bool) -> None:
    """Rows in document order, in header rows and row groups too (their parents kept)."""
    parents = {child: parent for parent in table.iter() for child in parent}
    number = 0
    for row in list(table.iter(_ROW)):
        parent = parents[row]
        repeat = int(row.get(_ROWS_REPEATED, "1"))
        wanted = sorted(r for r in by_row if number <= r < number + repeat)
        if wanted:
            pieces = _split(parent, row, repeat, [r - number for r in wanted], _ROWS_REPEATED)
            for offset, piece in pieces.items():
                _apply_cells(piece, by_row[number + offset], calcext)
        number += repeat


def _split(
    parent: ET.Element, element: ET.Element, repeat: int, offsets: list[int], attribute: str
) -> dict[int, ET.Element]:
    """Split a repeated element so that each offset is an element of its own; those elements."""
    if repeat == 1:
        return {0: element}
    position = list(parent).index(element)
    parent.remove(element)
    pieces: list[tuple[int, ET.Element]] = []
    start = 0
    for offset in offsets + [repeat]:
        if offset > start:
            pieces.append((-1, _copy(element, offset - start, attribute)))
        if offset < repeat:
            pieces.append((offset, _copy(element, 1, attribute)))
        start = offset + 1
    for index, (_, piece) in enumerate(pieces):
        parent.insert(position + index, piece)
    return {offset: piece for offset, piece in pieces if offset >= 0}


def _copy(element: ET.Element, repeat: int, attribute: str) -> ET.Element:
    copy = ET.fromstring(ET.tostring(element))
    if repeat > 1:
        copy.set(attribute, str(repeat))
    else:
        copy.attrib.pop(attribute, None)
    return copy


def _apply_cells(row: ET.Element, values: dict[int, str], calcext: bool) -> None:
    column = 0
    for cell in [c for c in row if c.tag in _CELLS]:
        repeat = int(cell.get(_COLUMNS_REPEATED, "1"))
        wanted = sorted(c for c in values if column <= c < column + repeat)
        if wanted:
            pieces = _split(row, cell, repeat, [c - column for c in wanted], _COLUMNS_REPEATED)
            for offset, piece in pieces.items():
                _set_text(piece, values.pop(column + offset), calcext)
        column += repeat
    if values:
        raise SourceError("Roster could not place every fix in the .ods file; nothing was written.")


def _set_text(cell: ET.Element, value: str, calcext: bool) -> None:
    for attribute in _VALUE_ATTRIBUTES:
        cell.attrib.pop(attribute, None)
    cell.set(_q("office", "value-type"), "string")
    if calcext:  # LibreOffice's own copy of the type, when the file has one
        cell.set(_q("calcext", "value-type"), "string")
    for paragraph in [p for p in cell if p.tag == _q("text", "p")]:
        cell.remove(paragraph)
    paragraph = ET.Element(_q("text", "p"))
    lines = re.split(r"\n", value)
    paragraph.text = lines[0]
    for line in lines[1:]:
        ET.SubElement(paragraph, _q("text", "line-break")).tail = line
    cell.insert(0, paragraph)
