"""The disclosure control engine end to end: RawTable + Policy -> ProtectedTable."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.errors import ExplorerError
from explorer.sdc.audit import audit_table
from explorer.sdc.policy import load_policy, load_policy_file
from explorer.sdc.protect import protect
from explorer.sdc.protected_table import ProtectedTable
from explorer.sdc.raw_table import RawTable
from explorer.sdc.status import CellStatus
from explorer.sdc.structure import TOTAL, DimensionLevels, build_structure

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = load_policy("official")
PUBLIC = load_policy("public")
UNPERTURBED = load_policy("statistician")  # threshold + secondary suppression + exact LP audit
ROUNDED = dataclasses.replace(UNPERTURBED, name="public_rounded", perturbation="rounding")
NO_SECONDARY = dataclasses.replace(UNPERTURBED, secondary_enabled=False)


def one_way(counts, categories=None, **kwargs) -> RawTable:
    categories = categories or [f"c{i}" for i in range(len(counts))]
    return RawTable(dimensions=(DimensionLevels("a", tuple(categories)),),
                    counts=np.asarray(counts, float),
                    structural_zero=np.zeros(len(counts), bool), **kwargs)


def two_way(matrix, **kwargs) -> RawTable:
    matrix = np.asarray(matrix, float)
    rows, cols = matrix.shape
    return RawTable(dimensions=(DimensionLevels("a", tuple(f"r{i}" for i in range(rows))),
                                DimensionLevels("b", tuple(f"k{j}" for j in range(cols)))),
                    counts=matrix.ravel(), structural_zero=np.zeros(matrix.size, bool), **kwargs)


def review(table: ProtectedTable) -> pd.DataFrame:
    return table.unprotected_values_for_disclosure_review()


# --- policies ------------------------------------------------------------------------------

def test_shipped_policies_load_with_the_issue_defaults():
    for name in ("public", "official", "statistician"):
        policy = load_policy(name)
        assert policy.threshold == 10
        assert (policy.rate_hide_below, policy.rate_flag_below) == (10, 20)
    # flexible outputs: consistent cell key perturbation, no secondary suppression
    assert PUBLIC.perturbed and OFFICIAL.perturbed
    assert not PUBLIC.secondary_enabled and not OFFICIAL.secondary_enabled
    assert (OFFICIAL.max_noise, OFFICIAL.ptable_variance, OFFICIAL.js) == (3, 2.0, 3)
    assert (PUBLIC.max_noise, PUBLIC.ptable_variance, PUBLIC.js) == (5, 3.0, 3)
    assert OFFICIAL.max_noise < PUBLIC.max_noise and OFFICIAL.ptable_variance < PUBLIC.ptable_variance
    assert (UNPERTURBED.denominator_base, OFFICIAL.denominator_base, PUBLIC.denominator_base) == (10, 10, 100)
    # output checkers and unperturbed releases: secondary suppression and the exact audit
    assert UNPERTURBED.perturbation is None and UNPERTURBED.secondary_enabled


def test_catalog_names_only_policies_that_exist(census_catalog):
    for policy_name in census_catalog.to_dict()["sdc"]["policies"].values():
        assert load_policy(policy_name).name == policy_name


@pytest.mark.parametrize("mutation, phrase", [
    (lambda t: t.replace("threshold: 10", "threshold: ten", 1), "rules.frequency_threshold.threshold"),
    (lambda t: t.replace("zeros:", "zeroes:", 1), "rules"),
    (lambda t: t.replace("flag_below: 20", "flag_below: 5", 1), "flag_below must not be less"),
    (lambda t: t.replace("name: official", "name: [official", 1), "not valid YAML"),
])
def test_malformed_policy_files_are_rejected_with_file_and_key(tmp_path, mutation, phrase):
    text = (ROOT / "data_catalog/policies/official.yaml").read_text()
    path = tmp_path / "broken.yaml"
    path.write_text(mutation(text))
    with pytest.raises(ExplorerError) as error:
        load_policy_file(path)
    assert "broken.yaml" in str(error.value) and phrase in str(error.value)


def test_custom_threshold_changes_name_and_version():
    custom = OFFICIAL.with_threshold(5)
    assert custom.threshold == 5 and custom.name == "official_custom" and "threshold5" in custom.version


# --- the type ------------------------------------------------------------------------------

def test_protected_table_cannot_be_made_outside_the_engine():
    with pytest.raises(TypeError):
        ProtectedTable(token=object(), cells=pd.DataFrame(), dimensions=("a",), policy=UNPERTURBED, audit=None)


def test_protected_table_is_read_only():
    table = protect(one_way([20, 30]), UNPERTURBED)
    with pytest.raises(AttributeError):
        table._cells = pd.DataFrame()


def test_cells_never_carry_true_values():
    table = protect(one_way([3, 30, 40]), UNPERTURBED)
    cells = table.cells()
    assert not {"true_value", "audit_lower", "audit_upper"} & set(cells.columns)
    assert cells.loc[cells["status"] != "shown", "value"].isna().all()


def test_only_the_review_path_reads_true_values():
    """unprotected_values_for_disclosure_review is called only from the SDC package, the review
    page and the output-check report (and tests)."""
    allowed = {"explorer/sdc/protected_table.py"}
    callers = set()
    for path in list(ROOT.glob("explorer/**/*.py")) + list(ROOT.glob("pages/*.py")) + [ROOT / "app.py"]:
        if "unprotected_values_for_disclosure_review" in path.read_text():
            callers.add(str(path.relative_to(ROOT)))
    review_modules = {c for c in callers if "review" in c or "report" in c}
    assert callers - allowed - review_modules == set()


# --- rules and statuses --------------------------------------------------------------------

def test_one_way_small_cell_is_hidden_with_a_complement():
    table = review(protect(one_way([3, 12, 20]), UNPERTURBED))
    status = dict(zip(table["a"], table["status"]))
    assert status["c0"] == "suppressed_primary"
    assert status["c1"] == "suppressed_secondary"  # cheapest complement: fewer people than c2
    assert status["c2"] == "shown" and status[TOTAL] == "shown"
    rule = dict(zip(table["a"], table["rule"]))
    assert rule["c0"] == "frequency_threshold" and rule["c1"] == "secondary_suppression"
    assert table.loc[table["a"] == "c0", "marker"].item() == "[c]"


def test_no_secondary_when_policy_disables_it_and_audit_reports_exposure():
    table = protect(one_way([3, 12, 20]), NO_SECONDARY)
    assert table.hidden_count() == {"suppressed_primary": 1, "suppressed_secondary": 0}
    assert not table.audit_passes  # c0 = total - c1 - c2: recoverable, and the audit says so


def test_all_cells_small():
    table = review(protect(one_way([1, 2, 3]), UNPERTURBED))
    assert (table["status"] != "shown").all()  # total 6 is small too


def test_single_category_table_hides_category_and_total_together():
    table = review(protect(one_way([4]), UNPERTURBED))
    assert (table["status"] != "shown").all()
    table = review(protect(one_way([40]), UNPERTURBED))
    assert (table["status"].isin(["shown"])).all()


def test_zero_totals_are_shown_unless_zeros_are_disclosive():
    table = review(protect(one_way([0, 0]), UNPERTURBED))
    assert (table["status"] == "shown").all() and (table["value"] == 0).all()
    zeros = dataclasses.replace(UNPERTURBED, zeros_disclosive=True)
    table = review(protect(one_way([0, 25, 30]), zeros))
    assert table.loc[table["a"] == "c0", "rule"].item() == "zeros"


def test_small_cell_whose_row_margin_equals_it():
    """The row total equals the small cell (its other cell is 0), so the margin must be hidden
    too. (In an additive count table a margin can only be small when one of its parts is:
    parts are 0 or >= 10 otherwise; a margin that is the *only* sensitive cell is tested at
    the secondary-suppression level, in test_sdc_secondary_audit.py.)"""
    protected = protect(two_way([[7, 0], [30, 40]]), UNPERTURBED)
    table = review(protected)
    hidden = table["status"] != "shown"
    assert hidden[(table["a"] == "r0") & (table["b"] == TOTAL)].item()
    assert protected.audit_passes
    assert audit_table(table["true_value"].to_numpy(), hidden.to_numpy(),
                       build_structure(two_way([[7, 0], [30, 40]]).dimensions),
                       np.zeros(len(table)), np.zeros(len(table))).exactly_disclosed.sum() == 0


def test_structural_zeros_are_never_hidden_and_marked_not_applicable():
    raw = RawTable(dimensions=(DimensionLevels("a", ("x", "y", "z")),), counts=np.array([0.0, 25, 40]),
                   structural_zero=np.array([True, False, False]))
    table = review(protect(raw, dataclasses.replace(UNPERTURBED, zeros_disclosive=True)))
    row = table[table["a"] == "x"].iloc[0]
    assert row["status"] == "shown" and row["marker"] == "[z]" and np.isnan(row["value"])
    assert row["rule"] == "structural_zero"


def test_few_events_are_flagged_for_rates_but_counts_carry_no_marker():
    """Low reliability is a property of rates (ONS: rates from fewer than 20 deaths); the count
    cell carries the flag for the measures layer, but no [u] marker of its own."""
    table = review(protect(one_way([15, 30, 12]), UNPERTURBED))
    row = table[table["a"] == "c0"].iloc[0]
    assert row["status"] == "shown" and row["marker"] == "" and row["low_reliability"]
    assert not table.loc[table["a"] == "c1", "low_reliability"].item()


def test_hierarchy_wales_region_equals_wales_country():
    regions = DimensionLevels("region", ("ne", "ldn", "wal"), {"eng": ("ne", "ldn"), "wales": ("wal",)})
    raw = RawTable(dimensions=(regions,), counts=np.array([40.0, 50, 6]),
                   structural_zero=np.zeros(3, bool))
    table = review(protect(raw, UNPERTURBED))
    status = dict(zip(table["region"], table["status"]))
    assert status["wal"] == "suppressed_primary" and status["wales"] != "shown"
    assert table.loc[table["status"] != "shown", "audit_lower"].notna().all()


def test_magnitude_table_dominance_and_p_percent():
    # cell c0: one contributor holds 95% -> dominance; c1 balanced; c2 two near-equal giants -> p%
    raw = one_way([12, 15, 11], magnitudes=np.array([100.0, 150, 200]),
                  top_contributions=np.array([[95.0, 1], [12, 11], [99, 98]]))
    table = review(protect(raw, UNPERTURBED))
    rule = dict(zip(table["a"], table["rule"]))
    assert rule["c0"] == "dominance_nk" and rule["c2"] == "dominance_nk"
    raw = one_way([12, 15], magnitudes=np.array([100.0, 150]),
                  top_contributions=np.array([[85.0, 10], [12, 11]]))
    assert review(protect(raw, dataclasses.replace(UNPERTURBED, nk_k=0.96)))["rule"].iloc[0] == "p_percent"


def test_public_rounding_marks_every_shown_cell_rounded():
    table = review(protect(one_way([3, 12, 23, 41]), ROUNDED))
    shown = table[~table["status"].str.startswith("suppressed")]
    assert (shown["status"] == "rounded").all()
    assert (shown["value"] % 5 == 0).all()


@pytest.mark.parametrize("policy", [OFFICIAL, PUBLIC], ids=["official", "public"])
def test_cell_key_perturbation_is_consistent_across_tables(policy):
    keys = np.array([17.0, 300, 511, 1000])
    first = review(protect(one_way([120, 230, 410, 600], record_key_sums=keys), policy))
    second = review(protect(one_way([120, 230, 410, 600, 0], record_key_sums=np.append(keys, 0.0)), policy))
    for category in ("c0", "c1", "c2", "c3"):
        a = first.loc[first["a"] == category, "value"].item()
        b = second.loc[second["a"] == category, "value"].item()
        true = first.loc[first["a"] == category, "true_value"].item()
        assert a == b and abs(a - true) <= policy.max_noise
    assert set(first.loc[first["a"] != TOTAL, "status"]) == {"perturbed"}


# --- properties -------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 9), st.integers(10, 80))


@st.composite
def tables(draw):
    if draw(st.booleans()):
        return one_way(draw(st.lists(counts, min_size=1, max_size=7)))
    rows, cols = draw(st.integers(2, 5)), draw(st.integers(2, 5))
    return two_way(np.array(draw(st.lists(counts, min_size=rows * cols, max_size=rows * cols)),
                            float).reshape(rows, cols))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.sampled_from([UNPERTURBED, ROUNDED]))
def test_property_protect_never_shows_a_small_count_and_audit_finds_no_recoverable_cell(raw, policy):
    table = review(protect(raw, policy))
    shown = table[~table["status"].str.startswith("suppressed")]
    small = (shown["true_value"] > 0) & (shown["true_value"] < policy.threshold)
    assert not small.any(), "a primary-sensitive count is shown"
    hidden = (table["status"] != "shown") & table["status"].str.startswith("suppressed")
    structure = build_structure(raw.dimensions)
    result = audit_table(table["true_value"].to_numpy(), hidden.to_numpy(), structure,
                         np.zeros(len(table)), np.zeros(len(table)))
    assert not result.exactly_disclosed.any()
    public_cells = protect(raw, policy).cells()
    assert public_cells.loc[hidden.to_numpy(), "value"].isna().all()


def test_only_the_measures_layer_reads_stratified_inputs():
    """Per-stratum (age band) true counts feed age standardisation and models only."""
    callers = {str(path.relative_to(ROOT))
               for path in list(ROOT.glob("explorer/**/*.py")) + list(ROOT.glob("pages/*.py"))
               if "stratified_inputs_for_measures" in path.read_text()}
    assert callers <= {"explorer/sdc/protected_table.py", "explorer/tables/cell_measures.py"}
