"""Plain tables (explorer.app.table_display): headers in words with units, hidden cells showing
their marker and never "None" or "nan", low-reliability values followed by [u], numbers that
stay numbers underneath (so a column sorts by value), and status and rules in words for
statisticians only. Built on the test-size database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explorer.app.table_display import readable_frame, readable_table
from explorer.tables import build_table
from explorer.tables.request import validate_request

pytestmark = pytest.mark.sql


@pytest.fixture(scope="module")
def hidden_table(census_catalog, database):
    """Suicide by detailed ethnic group, crude rates: groups hidden [c], not calculated [x] and
    marked [u]."""
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=("ethnicity_detailed",),
                               audience="official")
    return build_table(request, census_catalog, database)


def test_hidden_cells_show_their_marker_never_none(census_catalog, hidden_table):
    frame = hidden_table.frame
    assert (frame["marker"] == "[c]").any() and (frame["marker"].str.contains(r"\[u\]")).any()
    text = (readable_table(hidden_table, census_catalog))
    every_cell = " ".join(text.astype(str).to_numpy().ravel())
    assert "None" not in every_cell and "nan" not in every_cell.lower()
    value = text.columns[1]
    for position, marker in enumerate(frame["marker"]):
        if marker == "[c]":
            numbers = [c for c in text.columns[1:] if c != "Compared with benchmark"]
            assert (text.iloc[position][numbers] == "[c]").all(), text.iloc[position]
        elif "[u]" in marker:
            assert text.iloc[position][value].endswith("[u]")
            assert float(text.iloc[position][value].split()[0].replace(",", "")) == \
                pytest.approx(frame["value"].iat[position], abs=0.006)


def test_headers_carry_units_and_rows_sort_by_value(census_catalog, hidden_table):
    data = readable_frame(hidden_table, census_catalog, statistician=False)
    assert list(data.columns[:2]) == ["Ethnic group (detailed)",
                                      "Crude rate (per 100,000 person-years)"]
    assert "Lower 95% limit (per 100,000 person-years)" in data.columns
    assert {"Deaths (number)", "Person-years"} <= set(data.columns)
    value = data.columns[1]
    assert data[value].dtype == np.float64  # readable_frame keeps the numbers
    margins = hidden_table.row_flags["is_margin"].to_numpy()
    shown_groups = hidden_table.frame.loc[~margins, "value"].dropna()
    for order, descending in (("highest", True), ("lowest", False)):
        text = readable_table(hidden_table, census_catalog, order=order)
        numbers = [float(cell.split()[0].replace(",", "")) for cell in text[value]
                   if cell and not cell.startswith("[")]
        groups = numbers[:len(shown_groups)]
        assert groups == sorted(shown_groups.round(2), reverse=descending)
        assert text.iloc[-1, 0] == "Total"  # the total stays last
        groups_count = int((~margins).sum())
        hidden_rows = text.iloc[len(shown_groups):groups_count][value]
        assert hidden_rows.str.startswith("[").all(), hidden_rows
    assert readable_table(hidden_table, census_catalog).iloc[:, 0].tolist() == \
        hidden_table.frame[hidden_table.dimensions[0]].tolist()
    with pytest.raises(ValueError, match="order"):
        readable_table(hidden_table, census_catalog, order="alphabetical")
    assert not {"Status", "Why", "Marker", "status", "rule"} & set(data.columns)


def test_statisticians_read_status_and_rule_in_words(census_catalog, hidden_table):
    data = readable_frame(hidden_table, census_catalog, statistician=True)
    assert set(data["Status"]) <= {"Shown", "Hidden (primary)", "Hidden (secondary)"}
    hidden = data[data["Status"] != "Shown"]
    assert len(hidden) and (hidden["Why"] != "").all()
    assert not data["Why"].str.contains("_").any(), set(data["Why"])


def test_a_count_table_has_no_empty_interval_or_repeated_count(census_catalog, database):
    request = validate_request(census_catalog, outcome="suicide", measure="count", by=("sex",))
    table = build_table(request, census_catalog, database)
    data = readable_frame(table, census_catalog, statistician=False)
    assert list(data.columns) == ["Sex", "Deaths (number)", "Person-years"]
    text = (readable_table(table, census_catalog))
    assert text["Deaths (number)"].str.fullmatch(r"[\d,]+").all()


def test_only_measure_tables_are_shown(census_catalog):
    with pytest.raises(TypeError, match="MeasureTable"):
        readable_table(pd.DataFrame({"value": [1.0]}), census_catalog)
