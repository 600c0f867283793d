"""One sealed carrier out of protection (issue 11): a MeasureTable is made only by the measures
step (explorer/tables/measure_table.py), is read-only, carries the row flags of the protected cells,
and speaks the one status vocabulary of explorer.sdc.status."""

from __future__ import annotations

import ast
import copy
import pickle
import re
from pathlib import Path

import pytest

from explorer.tables.measure_table import (MARGIN_SUFFIX, TOTAL, MeasureTable, measure_table,
                                    row_flag_columns)
from explorer.sdc.status import CellStatus
from explorer.tables.request import validate_request
from explorer.tables import build_table, protected_table

ROOT = Path(__file__).resolve().parents[2]
MEASURES_STEP = ROOT / "explorer" / "tables" / "measure_table.py"
pytestmark = pytest.mark.sql


def _sources(*folders: str, files: tuple[str, ...] = ()) -> dict[Path, str]:
    paths = [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]
    paths += [ROOT / name for name in files]
    return {path: path.read_text(encoding="utf-8") for path in paths if path.is_file()}


@pytest.fixture(scope="module")
def by_region(census_catalog, database):
    request = validate_request(census_catalog, outcome="suicide", measure="count", by=["region"])
    return build_table(request, census_catalog, database)


# --- sealed -----------------------------------------------------------------------------------

def test_constructing_a_measure_table_outside_the_measures_step_raises(by_region):
    make = MeasureTable  # (called through a name, so the grep test below stays exact)
    fields = dict(request=by_region.request, frame=by_region.frame, row_flags=by_region.row_flags,
                  title="t", unit="u", method="m", policy="p", legend="", notes=())
    with pytest.raises(TypeError, match="measures step"):
        make(token=object(), **fields)
    with pytest.raises(TypeError):
        make(**fields)  # no token at all
    with pytest.raises(TypeError):
        make(by_region.request, by_region.frame, "t", "u", "m", "p", "", ())  # the old way


def test_no_module_outside_the_measures_step_constructs_one():
    """Only explorer/tables/measure_table.py calls the constructor or names its token, in the library,
    the pages, the app, the benchmarks and the tests."""
    call = re.compile(r"\bMeasureTable\s*\(")
    token = "_MEASURES" + "_TOKEN"  # spelled in two parts so this file does not name it
    offenders = [str(path.relative_to(ROOT)) for path, text in
                 _sources("explorer", "pages", "benchmarks", "tests", files=("app.py",)).items()
                 if path != MEASURES_STEP and (call.search(text) or token in text)]
    assert offenders == []


def test_the_test_only_replacement_is_not_used_by_production_code():
    offenders = [str(path.relative_to(ROOT)) for path, text in
                 _sources("explorer", "pages", "benchmarks", files=("app.py",)).items()
                 if path != MEASURES_STEP and "replaced_for_leak_tests" in text]
    assert offenders == []


def test_a_measure_table_is_read_only(by_region):
    with pytest.raises(AttributeError, match="read-only"):
        by_region.frame = by_region.frame  # type: ignore[misc]
    with pytest.raises(AttributeError):
        by_region.title = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del by_region.policy
    frame, flags = by_region.frame, by_region.row_flags
    frame.loc[0, "value"] = -1.0
    flags.loc[0, "is_margin"] = True
    assert by_region.frame.loc[0, "value"] != -1.0
    assert not by_region.row_flags.loc[0, "is_margin"]


def test_pickling_and_copying_go_through_the_measures_step(by_region):
    """st.cache_data pickles the tables it keeps."""
    for again in (pickle.loads(pickle.dumps(by_region)), copy.deepcopy(by_region)):
        assert isinstance(again, MeasureTable) and again is not by_region
        assert again.frame.equals(by_region.frame) and again.row_flags.equals(by_region.row_flags)
        assert (again.request, again.title, again.policy, again.notes) == \
            (by_region.request, by_region.title, by_region.policy, by_region.notes)


# --- row flags ----------------------------------------------------------------------------------

def test_row_flags_carry_levels_margins_and_reference(census_catalog, by_region):
    region = census_catalog.dimension("region")
    flags, frame = by_region.row_flags, by_region.frame
    assert list(flags.columns) == row_flag_columns(["region"]) == \
        ["region", f"region{MARGIN_SUFFIX}", "is_margin", "is_reference"]
    categories = [c.code for c in region.categories]
    groups = [g.key for g in region.hierarchy.groups]
    assert flags["region"].tolist() == categories + groups + [TOTAL]
    assert flags["is_margin"].tolist() == [False] * len(categories) + [True] * (len(groups) + 1)
    assert flags[f"region{MARGIN_SUFFIX}"].equals(flags["is_margin"])
    # region Wales and the subtotal Wales share a label; only the flags tell them apart
    wales = frame.index[frame["region"] == "Wales"].tolist()
    assert len(wales) == 2 and flags.loc[wales, "is_margin"].tolist() == [False, True]
    assert frame.loc[flags["is_reference"], "region"].tolist() == [region.reference_category.label]


def test_row_flags_match_the_protected_cells(census_catalog, database):
    request = validate_request(census_catalog, outcome="suicide", measure="crude_rate",
                               by=["region", "sex"])
    protected = protected_table(request, census_catalog, database)
    table = measure_table(protected, request, census_catalog)
    cells, flags = protected.cells(), table.row_flags
    for code in ("region", "sex"):
        assert flags[code].tolist() == cells[code].tolist()
        assert flags[f"{code}{MARGIN_SUFFIX}"].tolist() == [
            level == TOTAL or isinstance(level, str) for level in cells[code]]  # codes are ints
    assert flags["is_margin"].tolist() == cells["is_margin"].tolist()
    assert not flags["is_reference"].any()  # two breakdowns: no reference group


def test_ratio_and_index_tables_keep_flags_for_their_rows(census_catalog, database):
    ratio = build_table(validate_request(census_catalog, outcome="suicide", measure="rate_ratio",
                                         by=["disability"]), census_catalog, database)
    assert len(ratio.row_flags) == len(ratio.frame) and not ratio.row_flags["is_margin"].any()
    reference = census_catalog.dimension("disability").reference_category
    assert ratio.frame.loc[ratio.row_flags["is_reference"], "value"].tolist() == [1.0]
    reference_rows = ratio.frame.loc[ratio.row_flags["is_reference"], "disability"]
    assert reference_rows.tolist() == [reference.label]
    sii = build_table(validate_request(census_catalog, outcome="suicide", measure="sii",
                                       by=["deprivation_quintile"]), census_catalog, database)
    assert sii.dimensions == () and list(sii.row_flags.columns) == ["is_margin", "is_reference"]


# --- one status vocabulary ------------------------------------------------------------------------

def test_measure_frames_carry_reader_statuses(census_catalog, database):
    readers = {status.value for status in CellStatus.reader_statuses()}
    assert readers == {"shown", "suppressed_primary", "suppressed_secondary"}
    for audience in ("official", "public", "statistician"):
        request = validate_request(census_catalog, outcome="suicide", measure="count",
                                   by=["ethnicity_detailed", "sex"], audience=audience)
        protected = protected_table(request, census_catalog, database)
        table = measure_table(protected, request, census_catalog)
        expected = [CellStatus(s).reader_status.value for s in protected.cells()["status"]]
        assert table.frame["status"].tolist() == expected
        assert set(expected) <= readers


OWN_MODULES = ("explorer/tables/measure_table.py", "explorer/app/charts.py",
               "explorer/app/chart_rows.py", "explorer/app/chart_style.py",
               "explorer/app/trend_charts.py", "explorer/app/two_way_charts.py",
               "explorer/app/chart_text.py", "explorer/app/table_display.py",
               "explorer/tables/linkage_quality.py", "explorer/release/published_file.py",
               "explorer/release/publish.py", "explorer/release/headlines.py",
               "explorer/app/downloads.py", "explorer/tables/build.py", "explorer/app/cached.py")


def _string_constants(text: str) -> set[str]:
    """String literals of a module, docstrings left out."""
    tree = ast.parse(text)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
            and isinstance(node.value, str) and id(node) not in docstrings}


@pytest.mark.unit
def test_no_status_is_spelled_outside_the_sdc_layer():
    """Statuses are CellStatus members: the measures step, outputs and pages never spell one (nor
    the old published word 'hidden' as a status)."""
    statuses = {status.value for status in CellStatus} - {"low_reliability"}  # also a column name
    paths = [ROOT / name for name in OWN_MODULES] + sorted((ROOT / "pages").glob("*.py"))
    spelled = {str(path.relative_to(ROOT)): sorted(_string_constants(path.read_text()) & statuses)
               for path in paths}
    assert {path: words for path, words in spelled.items() if words} == {}
    published = (ROOT / "explorer" / "release" / "published_file.py").read_text()
    assert not re.search(r"""["']hidden["']""", published)
