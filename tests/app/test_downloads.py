"""The Explore page's downloads (CSV and Excel) carry exactly the protected table."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from explorer.app.downloads import csv_download, notes_lines, xlsx_download
from explorer.sdc.status import CellStatus
from explorer.tables.request import validate_request
from explorer.tables import build_table

SHOWN = CellStatus.SHOWN.value


@pytest.fixture(scope="module")
def table_with_hidden_cells(database, census_catalog):
    """Suicide counts by religion and region: some cells are hidden at the default size."""
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=("religion", "region"), audience="official")
    table = build_table(request, census_catalog, database)
    assert (table.frame["status"] != SHOWN).any(), "the fixture needs hidden cells"
    return table


def _sheet_frame(workbook, name: str) -> pd.DataFrame:
    rows = list(workbook[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.sql
def test_the_workbook_table_sheet_is_exactly_the_protected_frame(table_with_hidden_cells, census_catalog):
    table = table_with_hidden_cells
    workbook = load_workbook(io.BytesIO(xlsx_download(table, census_catalog)))
    assert workbook.sheetnames == ["Cover", "Table"]
    header, *rows = list(workbook["Table"].iter_rows(values_only=True))
    assert list(header) == list(table.frame.columns)
    assert len(rows) == len(table.frame)
    for (_, expected), got in zip(table.frame.iterrows(), rows):
        for column, cell in zip(table.frame.columns, got):
            want = expected[column]
            if isinstance(want, float) and math.isnan(want):
                assert cell is None, (column, cell)
            elif isinstance(want, float):
                assert cell == pytest.approx(want, rel=1e-12)
            else:
                assert (cell if cell is not None else "") == want


@pytest.mark.sql
def test_hidden_cells_are_empty_with_their_marker(table_with_hidden_cells, census_catalog):
    table = table_with_hidden_cells
    sheet = _sheet_frame(load_workbook(io.BytesIO(xlsx_download(table, census_catalog))), "Table")
    hidden = sheet[sheet["status"] != SHOWN]
    assert len(hidden) == (table.frame["status"] != SHOWN).sum() > 0
    assert hidden["value"].isna().all() and hidden["events"].isna().all()
    assert hidden["marker"].str.contains(r"\[c\]", regex=True).all()


@pytest.mark.sql
def test_the_cover_sheet_names_policy_legend_and_source(table_with_hidden_cells, census_catalog):
    table = table_with_hidden_cells
    cover = list(load_workbook(io.BytesIO(xlsx_download(table, census_catalog)))["Cover"]
                 .iter_rows(values_only=True))
    assert cover[0][0] == table.title
    labelled = {row[0]: row[1] for row in cover[2:]}
    assert labelled["Disclosure control policy"] == table.policy
    assert "[c]" in labelled["Legend"]
    assert census_catalog.version in labelled["Source"]
    assert [label for label, _ in notes_lines(table, census_catalog)][1:] == [row[0] for row in cover[2:]]


@pytest.mark.sql
def test_csv_and_workbook_share_the_same_notes(table_with_hidden_cells, census_catalog):
    table = table_with_hidden_cells
    text = csv_download(table, census_catalog)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header == [f"# {table.title}"] + [f"# {label}: {value}" for label, value
                                               in notes_lines(table, census_catalog)[1:]]


@pytest.mark.unit
def test_downloads_refuse_a_raw_frame(census_catalog):
    with pytest.raises(TypeError):
        xlsx_download(pd.DataFrame({"events": [3]}), census_catalog)
    with pytest.raises(TypeError):
        csv_download(pd.DataFrame({"events": [3]}), census_catalog)
