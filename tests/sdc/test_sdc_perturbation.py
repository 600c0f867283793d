"""Cell key perturbation: p-tables, the array API, pandas reference vs DuckDB SQL, and the ONS
``cell-key-perturbation`` package as oracle (explorer.sdc.ptable, perturbation, perturbation_sql).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.errors import ExplorerError
from explorer.sdc.perturbation import (
    PerturbationError, below_threshold, cell_keys, perturb_counts, perturbation_cell_values,
    perturbation_values, perturbed_table_from_microdata,
)
from explorer.sdc.perturbation_sql import perturbed_table_duckdb
from explorer.sdc.ptable import DEFAULT_PTABLE_PATH, PTable, PTableError, ptable_threshold_rounding

COLUMNS = ["pre_sdc_count", "ckey", "pcv", "pvalue", "count"]


def random_microdata(seed: int, rows: int | None = None, modulus: int = 256) -> pd.DataFrame:
    """Seeded microdata: skewed categories (so small, zero and > 750 cells occur) and keys."""
    rng = np.random.default_rng(seed)
    n = rows or int(rng.integers(2_000, 20_001))
    return pd.DataFrame({
        "sex": rng.integers(1, 3, n),
        "ethnicity": rng.choice(list("ABCDEFG"), n, p=[.6, .2, .1, .05, .03, .015, .005]),
        "region": rng.choice(np.arange(1, 11), n, p=[.4, .2, .1, .1, .05, .05, .04, .03, .02, .01]),
        "record_key": rng.integers(0, modulus, n),
    })


def random_ptable(seed: int, max_pcv: int = 750, modulus: int = 256) -> PTable:
    """A p-table whose pvalues depend on the cell key (-2..+2, never making a count negative)."""
    rng = np.random.default_rng(seed)
    pcv, ckey = np.meshgrid(np.arange(1, max_pcv + 1), np.arange(modulus), indexing="ij")
    pvalue = np.maximum(rng.integers(-2, 3, pcv.shape), -pcv)
    return PTable.from_frame(pd.DataFrame({"pcv": pcv.ravel(), "ckey": ckey.ravel(),
                                           "pvalue": pvalue.ravel()}), source=f"random {seed}")


def ons_perturbed_table(df: pd.DataFrame, ptable: pd.DataFrame, tab_vars: list[str],
                        threshold: int = 10) -> pd.DataFrame:
    from cell_key_perturbation.create_perturbed_table import create_perturbed_table

    with contextlib.redirect_stdout(io.StringIO()):  # the package prints progress notes
        return create_perturbed_table(df, ptable, geog=[], tab_vars=tab_vars,
                                      record_key="record_key", use_existing_ons_id=False,
                                      threshold=threshold)


def sql_table(df: pd.DataFrame, by: list[str], ptable: PTable, threshold: int = 10) -> pd.DataFrame:
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE microdata AS SELECT * FROM df")
        return perturbed_table_duckdb(connection, "microdata", by, "record_key", ptable,
                                      allowed_identifiers={"microdata", "record_key", *df.columns},
                                      threshold=threshold)


@pytest.fixture(scope="module")
def default_ptable() -> PTable:
    return PTable.default()


# --- p-tables -----------------------------------------------------------------------------

@pytest.mark.unit
def test_shipped_ptable_is_the_rule_and_the_ons_10_5_table(default_ptable: PTable) -> None:
    from cell_key_perturbation.utils.generate_test_ptable import generate_ptable_10_5_rule

    shipped = default_ptable.to_frame()
    pd.testing.assert_frame_equal(shipped, ptable_threshold_rounding(10, 5).to_frame())
    pd.testing.assert_frame_equal(shipped, generate_ptable_10_5_rule())
    assert (default_ptable.max_pcv, default_ptable.modulus) == (750, 256)


@pytest.mark.unit
def test_ptable_round_trips_through_csv(tmp_path: Path, default_ptable: PTable) -> None:
    path = tmp_path / "again.csv"
    default_ptable.to_csv(path)
    assert path.read_bytes() == DEFAULT_PTABLE_PATH.read_bytes()


@pytest.mark.unit
def test_custom_ptable_file_loads_and_is_used(tmp_path: Path) -> None:
    custom = random_ptable(7, max_pcv=300)
    path = tmp_path / "custom.csv"
    custom.to_csv(path)
    loaded = PTable.load(path)
    assert (loaded.max_pcv, loaded.modulus, loaded.source) == (300, 256, str(path))
    np.testing.assert_array_equal(loaded.pvalues, custom.pvalues)
    table = perturbed_table_from_microdata(random_microdata(1, 3_000), ["sex", "ethnicity"],
                                           "record_key", loaded)
    np.testing.assert_array_equal(table["pvalue"], loaded.pvalues[table["pcv"], table["ckey"]])


@pytest.mark.unit
def test_4096_ptable_for_administrative_record_keys(tmp_path: Path) -> None:
    path = tmp_path / "admin.csv"
    ptable_threshold_rounding(10, 5, max_pcv=250, modulus=4096).to_csv(path)
    ptable = PTable.load(path)
    assert ptable.modulus == 4096
    df = random_microdata(3, 5_000, modulus=4096)
    table = perturbed_table_from_microdata(df, ["sex", "region"], "record_key", ptable)
    sums = df.groupby(["sex", "region"])["record_key"].sum()
    assert table["ckey"].tolist() == (sums % 4096).reindex(
        pd.MultiIndex.from_frame(table[["sex", "region"]])).fillna(0).astype(int).tolist()
    with pytest.raises(PerturbationError, match="below 256"):
        perturbed_table_from_microdata(df, ["sex"], "record_key", PTable.default())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


def _grid_text(max_pcv: int = 250, modulus: int = 256, edit=None) -> str:
    frame = ptable_threshold_rounding(10, 5, max_pcv=max(max_pcv, 250), modulus=modulus).to_frame()
    frame = frame[frame["pcv"] <= max_pcv]
    if edit is not None:
        frame = edit(frame)
    return frame.to_csv(index=False)


MALFORMED = {
    "empty file": ("", "not a readable CSV"),
    "header only": ("pcv,ckey,pvalue\n", "has no rows"),
    "missing column": ("pcv,ckey\n1,0\n", "missing: ['pvalue']"),
    "extra column": ("pcv,ckey,pvalue,note\n1,0,0,x\n", "unexpected: ['note']"),
    "not a number": (_grid_text(edit=lambda f: f.astype(str).assign(
        pvalue=lambda g: g["pvalue"].where(g.index != 5, "two"))), "data row 6 (line 7) has 'two'"),
    "fraction": (_grid_text(edit=lambda f: f.astype(float).assign(
        pvalue=lambda g: g["pvalue"].where(g.index != 0, 0.5))), "has '0.5'"),
    "blank value": (_grid_text(edit=lambda f: f.astype(str).assign(
        ckey=lambda g: g["ckey"].where(g.index != 3, ""))), "data row 4 (line 5) has ''"),
    "pcv zero": (_grid_text(edit=lambda f: f.assign(pcv=f["pcv"] - 1)), "at least 1"),
    "negative ckey": (_grid_text(edit=lambda f: f.assign(ckey=f["ckey"] - 1)), "ckey must be at least 0"),
    "wrong key range": (_grid_text(edit=lambda f: f[f["ckey"] < 100]), "largest ckey is 99"),
    "too few pcv rows": (_grid_text(max_pcv=200), "largest pcv is 200"),
    "duplicate pair": (_grid_text(edit=lambda f: pd.concat([f, f.iloc[[10]]])),
                       "(pcv, ckey) = (1, 10) appears more than once"),
    "missing pair": (_grid_text(edit=lambda f: f.drop(index=300)),
                     "1 pair(s) missing, the first is (pcv, ckey) = (2, 44)"),
    "negative result": (_grid_text(edit=lambda f: f.assign(
        pvalue=f["pvalue"].where(f.index != 256 * 11, -20))), "pvalue -20 at (pcv, ckey) = (12, 0)"),
}


@pytest.mark.unit
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_ptable_rejected_with_file_and_problem(tmp_path: Path, case: str) -> None:
    text, problem = MALFORMED[case]
    path = _write(tmp_path, text)
    with pytest.raises(PTableError) as raised:
        PTable.load(path)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)
    assert isinstance(raised.value, ExplorerError)


@pytest.mark.unit
def test_missing_ptable_file(tmp_path: Path) -> None:
    with pytest.raises(PTableError, match="not found"):
        PTable.load(tmp_path / "nowhere.csv")


# --- the array API -------------------------------------------------------------------------

@pytest.mark.unit
def test_cell_keys_are_key_sums_mod_modulus() -> None:
    np.testing.assert_array_equal(cell_keys([0, 255, 256, 1000]), [0, 255, 0, 232])
    np.testing.assert_array_equal(cell_keys([4095, 4096, 10_000], modulus=4096), [4095, 0, 1808])
    with pytest.raises(PerturbationError, match="modulus"):
        cell_keys([1], modulus=100)
    with pytest.raises(PerturbationError, match="negative"):
        cell_keys([-1])


@pytest.mark.unit
def test_pcv_mapping_is_the_ons_one(default_ptable: PTable) -> None:
    counts = np.array([0, 1, 9, 10, 500, 750, 751, 752, 1000, 1001, 1250, 12_345])
    ons = np.where(counts <= 750, counts, (counts - 1) % 250 + 501)  # create_perturbed_table step 3
    np.testing.assert_array_equal(perturbation_cell_values(counts, default_ptable), ons)
    np.testing.assert_array_equal(ons[6:], [501, 502, 750, 501, 750, 595])  # 12_344 % 250 = 94


@pytest.mark.unit
def test_small_counts_suppressed_others_multiples_of_5(default_ptable: PTable) -> None:
    rng = np.random.default_rng(0)
    counts = np.arange(0, 3_001)
    keys = rng.integers(0, 256, counts.shape)
    perturbed = perturb_counts(counts, keys, default_ptable)
    suppressed = below_threshold(perturbed, 10)
    np.testing.assert_array_equal(suppressed, counts < 10)  # zeros too, as in the ONS package
    np.testing.assert_array_equal(perturbed[counts < 10], 0)
    assert (perturbed[~suppressed] % 5 == 0).all()
    assert (np.abs(perturbed - counts)[counts >= 10] <= 2).all()
    np.testing.assert_array_equal(perturbation_values([0], [0], default_ptable), [0])
    assert not below_threshold(perturbed, 0).any()  # threshold 0: nothing suppressed


@pytest.mark.unit
def test_microdata_with_problems_rejected(default_ptable: PTable) -> None:
    df = random_microdata(2, 500)
    with pytest.raises(PerturbationError, match="missing values"):
        perturbed_table_from_microdata(df.assign(sex=df["sex"].where(df.index != 3)), ["sex"],
                                       "record_key", default_ptable)
    with pytest.raises(PerturbationError, match="below 256"):
        perturbed_table_from_microdata(df.assign(record_key=df["record_key"] + 1), ["sex"],
                                       "record_key", default_ptable)
    with pytest.raises(PerturbationError, match="no column"):
        perturbed_table_from_microdata(df, ["age"], "record_key", default_ptable)
    with pytest.raises(PerturbationError, match="every record needs"):
        sql_table(df.assign(record_key=df["record_key"].where(df.index != 0)), ["sex"], default_ptable)
    with pytest.raises(PerturbationError, match="missing values"):
        sql_table(df.assign(region=df["region"].where(df.index != 0)), ["sex", "region"], default_ptable)


@pytest.mark.sql
@pytest.mark.parametrize("table, by, record_key, problem", [
    ("microdata", ["sex"], "record_key", None),
    ("other", ["sex"], "record_key", "not one of the allowed"),
    ("microdata", ["sex; DROP TABLE microdata"], "record_key", "not a valid identifier"),
    ("microdata", ['sex"'], "record_key", "not a valid identifier"),
    ("microdata", ["Sex"], "record_key", "not a valid identifier"),
    ("microdata", ["sex"], "weight", "not one of the allowed"),
])
def test_sql_identifiers_checked_against_allow_list(table, by, record_key, problem,
                                                    default_ptable: PTable) -> None:
    df = random_microdata(4, 200)  # noqa: F841 - read by DuckDB
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE microdata AS SELECT * FROM df")
        allowed = {"microdata", "sex", "ethnicity", "region", "record_key"}
        call = lambda: perturbed_table_duckdb(connection, table, by, record_key,  # noqa: E731
                                              default_ptable, allowed)
        if problem is None:
            assert len(call()) == 2
        else:
            with pytest.raises(PerturbationError, match=problem):
                call()
        # the p-table relation is registered only for the query
        assert not [name for (name,) in connection.execute("SHOW TABLES").fetchall()
                    if name.startswith("sdc_ptable_")]


# --- consistency: a cell gets the same perturbation wherever it appears ----------------------

@pytest.mark.unit
def test_same_cell_same_perturbation_in_different_tables(default_ptable: PTable) -> None:
    custom = random_ptable(11)  # cell-key dependent, so consistency is not trivially true
    df = random_microdata(5, 8_000)
    for ptable in (default_ptable, custom):
        full = perturbed_table_from_microdata(df, ["region", "sex"], "record_key", ptable)
        # another query: region 1 alone, by sex; its cells are cells of the full table
        region_1 = perturbed_table_from_microdata(df[df["region"] == 1], ["sex"], "record_key", ptable)
        shared = full[full["region"] == 1].drop(columns="region").reset_index(drop=True)
        pd.testing.assert_frame_equal(region_1, shared)
        # a table with extra records elsewhere (a new ethnic group) leaves other cells unchanged
        extra = pd.concat([df, df.sample(300, random_state=1).assign(ethnicity="Z")])
        before = perturbed_table_from_microdata(df, ["sex", "ethnicity"], "record_key", ptable)
        after = perturbed_table_from_microdata(extra, ["sex", "ethnicity"], "record_key", ptable)
        after = after[after["ethnicity"] != "Z"].reset_index(drop=True)
        pd.testing.assert_frame_equal(before, after)
        # and the SQL version gives the same cell values as the pandas one
        pd.testing.assert_frame_equal(sql_table(df[df["region"] == 1], ["sex"], ptable), region_1)


# --- pandas reference vs DuckDB SQL ------------------------------------------------------------

_CUSTOM_SMALL = random_ptable(3, max_pcv=250)  # 250 rows: counts above 250 wrap, tested too
_DEFAULT = PTable.default()


@st.composite
def microdata_and_table(draw):
    n = draw(st.integers(1, 700))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    variables = draw(st.integers(1, 3))
    df = pd.DataFrame({f"v{i}": rng.integers(0, draw(st.integers(1, 6)), n) for i in range(variables)})
    if draw(st.booleans()):
        df["v0"] = df["v0"].map(lambda code: f"c{code}")  # text categories too
    df["record_key"] = rng.integers(0, 256, n)
    by = draw(st.permutations(list(df.columns[:-1])))
    ptable = draw(st.sampled_from([_DEFAULT, _CUSTOM_SMALL]))
    return df, list(by), ptable, draw(st.integers(0, 15))


@pytest.mark.sql
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(microdata_and_table())
def test_pandas_reference_and_duckdb_sql_agree(case) -> None:
    df, by, ptable, threshold = case
    expected = perturbed_table_from_microdata(df, by, "record_key", ptable, threshold)
    pd.testing.assert_frame_equal(sql_table(df, by, ptable, threshold), expected)


# --- the ONS package as oracle -----------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_equals_ons_create_perturbed_table_10_5(seed: int, default_ptable: PTable) -> None:
    from cell_key_perturbation.utils.generate_test_ptable import generate_ptable_10_5_rule

    df = random_microdata(seed)
    ons_ptable = generate_ptable_10_5_rule()
    for by in (["sex", "ethnicity", "region"], ["ethnicity", "sex"], ["region"]):
        ours = perturbed_table_from_microdata(df, by, "record_key", default_ptable)
        ons = ons_perturbed_table(df, ons_ptable, by)
        pd.testing.assert_frame_equal(ours, ons[by + COLUMNS])
    assert (ours["pre_sdc_count"] > 750).any() or len(df) < 7_500  # the pcv wrap is exercised


@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("seed, threshold, modulus", [(10, 10, 256), (11, 0, 256), (12, 10, 4096)])
def test_equals_ons_with_custom_ptable(seed: int, threshold: int, modulus: int) -> None:
    ptable = random_ptable(seed, modulus=modulus)
    df = random_microdata(seed, modulus=modulus)
    by = ["sex", "ethnicity", "region"]
    ours = perturbed_table_from_microdata(df, by, "record_key", ptable, threshold)
    ons = ons_perturbed_table(df, ptable.to_frame(), by, threshold)
    pd.testing.assert_frame_equal(ours, ons[by + COLUMNS])
    assert (ours["pvalue"] != 0).any() and (ours["ckey"] > 0).any()
