"""Downloadable files of exactly one protected table: CSV under a '#' notes header, and an
Excel workbook laid out as ONS recommends for accessible spreadsheets (Analysis Function,
"Releasing statistics in spreadsheets", 2021): a cover sheet with the title, source and notes,
then the table on its own sheet with one header row, no merged cells and no blank rows; hidden
or not-calculated values are empty cells with their GSS marker in the ``marker`` column.

Both are built from a :class:`~explorer.tables.measure_table.MeasureTable` only, so neither can carry a
value that disclosure control hid.
"""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from explorer.catalog import Catalog
from explorer.tables.measure_table import MeasureTable
from explorer.tables import to_csv

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(table: object) -> MeasureTable:
    if not isinstance(table, MeasureTable):
        raise TypeError(f"downloads are built from a protected MeasureTable only, not {type(table).__name__}")
    return table


def notes_lines(table: MeasureTable, catalog: Catalog) -> list[tuple[str, str]]:
    """(label, text) pairs describing the table: title, unit, policy, legend, source, notes."""
    table = _require(table)
    lines = [("Title", table.title), ("Unit", table.unit),
             ("Disclosure control policy", table.policy),
             ("Legend", table.legend or "no markers used"),
             *([("Comparison", table.comparison_text)] if table.comparison_text else []),
             ("Source", f"{catalog.title}, dataset version {catalog.version}")]
    lines += [("Note", note) for note in table.notes]
    return [(label, " ".join(str(text).split())) for label, text in lines]


def csv_download(table: MeasureTable, catalog: Catalog) -> str:
    """The protected table as CSV under a '#' notes header (title, policy, legend, source)."""
    header = []
    for label, text in notes_lines(table, catalog):
        header.append(f"# {text}" if label == "Title" else f"# {label}: {text}")
    return "\n".join(header) + "\n" + to_csv(_require(table))


def xlsx_download(table: MeasureTable, catalog: Catalog, trend: MeasureTable | None = None) -> bytes:
    """The protected table as an .xlsx workbook: sheet 'Cover' (notes), sheet 'Table', and,
    when the view has one, its trend by calendar year on sheet 'Trend' (its own notes on the
    cover, after the table's)."""
    table = _require(table)
    tables = [("Table", table)] + ([] if trend is None else [("Trend", _require(trend))])
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append([table.title])
    cover["A1"].font = Font(bold=True, size=14)
    sheets = " and ".join(f"the sheet named {name}" for name, _ in tables)
    cover.append([f"The {'tables are' if len(tables) > 1 else 'table is'} on {sheets}. Empty "
                  "value cells carry a marker in the marker column."])
    for name, each in tables:
        lines = notes_lines(each, catalog)
        if len(tables) > 1:
            cover.append([])
            cover.append([f"Sheet {name}", lines[0][1]])
            cover[f"A{cover.max_row}"].font = Font(bold=True)
        for label, text in lines[1:]:
            cover.append([label, text])
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 100
    for name, each in tables:
        _table_sheet(workbook.create_sheet(name), each)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_sheet(sheet, table: MeasureTable) -> None:
    """One header row, then one row per table row; no merged cells, no blank rows."""
    columns = list(table.frame.columns)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.frame.itertuples(index=False):
        sheet.append([_excel_value(value) for value in row])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column) + 4))
    sheet.freeze_panes = "A2"


def _excel_value(value: object) -> object:
    """Empty for a missing number (never NaN, which Excel cannot show); numpy scalars to Python."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


__all__ = ["XLSX_MIME", "csv_download", "notes_lines", "xlsx_download"]
