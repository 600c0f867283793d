"""The engine under the flexible-output policies (official, public): consistent cell key
perturbation, hiding below the threshold before and after perturbing, strata perturbed with
their own keys, denominators rounded and blanked, one hidden status for readers, and the
noise-bound audit (explorer.sdc.protect, noise_audit; docs/sdc.md)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from explorer.sdc.noise_audit import noise_bound_audit
from explorer.sdc.perturbation import cell_keys, perturb_counts
from explorer.sdc.policy import load_policy
from explorer.sdc.protect import PERTURBED_BELOW_THRESHOLD, policy_ptable, protect
from explorer.sdc.raw_table import RawTable
from explorer.sdc.status import CellStatus
from explorer.sdc.structure import TOTAL, DimensionLevels, build_structure

pytestmark = pytest.mark.unit

OFFICIAL = load_policy("official")
PUBLIC = load_policy("public")


def one_way(counts, keys, person_years=None) -> RawTable:
    counts = np.asarray(counts, float)
    additive = {"person_years": np.asarray(person_years, float)} if person_years is not None else {}
    return RawTable(dimensions=(DimensionLevels("a", tuple(f"c{i}" for i in range(len(counts)))),),
                    counts=counts, structural_zero=np.zeros(len(counts), bool),
                    record_key_sums=np.asarray(keys, float), additive=additive)


def review(table):
    return table.unprotected_values_for_disclosure_review()


@pytest.mark.parametrize("policy", [OFFICIAL, PUBLIC], ids=["official", "public"])
def test_small_counts_hidden_others_perturbed_within_the_bound_and_never_below_the_threshold(policy):
    rng = np.random.default_rng(11)
    for _ in range(40):
        counts = rng.integers(0, 40, size=8)
        keys = rng.integers(0, 256, size=8) * np.maximum(counts, 1)
        cells = review(protect(one_way(counts, keys), policy))
        hidden = cells["status"] == CellStatus.SUPPRESSED_PRIMARY.value
        true, shown = cells["true_value"], cells["value"]
        assert hidden[(true >= 1) & (true < policy.threshold)].all()           # 1..9: always hidden
        assert (~hidden[true == 0]).all() and (shown[true == 0] == 0).all()     # zeros: shown as 0
        visible = ~hidden & (true > 0)
        assert (shown[visible] >= policy.threshold).all()                      # nothing shown below 10
        assert ((shown[visible] - true[visible]).abs() <= policy.max_noise).all()
        pushed = cells["rule"] == PERTURBED_BELOW_THRESHOLD
        assert (hidden[pushed]).all() and (true[pushed] >= policy.threshold).all()
        assert set(cells.loc[visible, "status"]) <= {CellStatus.PERTURBED.value}
        assert not (cells["status"] == CellStatus.SUPPRESSED_SECONDARY.value).any()


def test_the_same_records_get_the_same_noise_in_every_table():
    """A cell's key is its records' key sum, so Christian (count, key) is perturbed alike
    whether it sits in a table of religions or alone under a filter."""
    counts, keys = [586, 12, 3, 309], [70_000, 1_500, 400, 39_000]
    whole = review(protect(one_way(counts, keys), OFFICIAL))
    alone = review(protect(one_way([586], [70_000]), OFFICIAL))
    assert whole.loc[0, "value"] == alone.loc[0, "value"]
    table = policy_ptable(OFFICIAL)
    expected = perturb_counts(np.array([586]), cell_keys(np.array([70_000])), table)[0]
    assert whole.loc[0, "value"] == expected
    # the margin has its own key (the sum of all records' keys), so totals need not add up
    total = whole.loc[whole["a"] == TOTAL]
    assert total["value"].item() == perturb_counts(np.array([910]), cell_keys(np.array([sum(keys)])), table)[0]


def test_every_age_stratum_is_perturbed_with_its_own_key():
    """A DSR uses each (cell, age band) count as the finer table would show it."""
    events = np.array([[14.0, 3.0, 0.0], [25.0, 11.0, 2.0]])       # 2 cells x 3 bands
    person_years = np.array([[1000.0, 800.0, 50.0], [2000.0, 900.0, 70.0]])
    keys = np.array([[3000.0, 200.0, 0.0], [5000.0, 1400.0, 77.0]])
    raw = RawTable(dimensions=(DimensionLevels("a", ("x", "y")),), counts=events.sum(axis=1),
                   structural_zero=np.zeros(2, bool), record_key_sums=keys.sum(axis=1),
                   additive={"person_years": person_years.sum(axis=1)}, strata=("b1", "b2", "b3"),
                   strata_events=events, strata_person_years=person_years,
                   strata_record_key_sums=keys)
    strata = protect(raw, OFFICIAL).stratified_inputs_for_measures()
    finer = RawTable(dimensions=(DimensionLevels("a", ("x", "y")), DimensionLevels("band", ("b1", "b2", "b3"))),
                     counts=events.ravel(), structural_zero=np.zeros(6, bool),
                     record_key_sums=keys.ravel())
    finer_cells = review(protect(finer, OFFICIAL))
    table = policy_ptable(OFFICIAL)
    for i, j in itertools.product(range(2), range(3)):
        expected = perturb_counts(np.array([events[i, j]]), cell_keys(np.array([keys[i, j]])), table)[0]
        assert strata.events[i, j] == expected
        row = finer_cells[(finer_cells["a"] == ("x", "y")[i]) & (finer_cells["band"] == f"b{j + 1}")]
        if row["value"].notna().item():  # shown in the finer table: the very same value
            assert row["value"].item() == strata.events[i, j]
    margin = strata.events[2]  # the total row: the sum of both cells' records, its own keys
    assert margin[0] == perturb_counts(np.array([39]), cell_keys(np.array([8000])), table)[0]


@pytest.mark.parametrize("policy", [OFFICIAL, PUBLIC], ids=["official", "public"])
def test_denominators_are_rounded_and_never_shown_for_a_hidden_cell(policy):
    raw = one_way([3, 40, 250], [100, 5000, 9000], person_years=[1234.56, 98765.4, 55555.5])
    cells = protect(raw, policy).cells()
    assert np.isnan(cells.loc[0, "person_years"])                        # hidden: no denominator
    base = policy.denominator_base
    assert (cells.loc[1:, "person_years"] % base == 0).all()
    assert cells.loc[1, "person_years"] == base * np.floor(98765.4 / base + 0.5)


def test_readers_see_one_hidden_status_and_rule_the_review_sees_why():
    # 10 and 11 can be pushed below 10 by the official p-table for some keys: find such a key
    table = policy_ptable(OFFICIAL)
    key = next(k for k in range(256) if perturb_counts(np.array([10]), np.array([k]), table)[0] < 10)
    raw = one_way([10, 4, 500], [key, 3, 77])
    protected = protect(raw, OFFICIAL)
    reader = protected.cells()
    hidden = reader[reader["status"] != CellStatus.PERTURBED.value]
    hidden = hidden[hidden["status"].str.startswith("suppressed")]
    assert set(hidden["a"]) == {"c0", "c1"}
    assert set(zip(hidden["status"], hidden["rule"], hidden["marker"])) == {
        (CellStatus.SUPPRESSED_PRIMARY.value, "frequency_threshold", "[c]")}
    checker = review(protected).set_index("a")
    assert checker.loc["c0", "rule"] == PERTURBED_BELOW_THRESHOLD
    assert checker.loc["c1", "rule"] == "frequency_threshold"


def test_noise_bound_audit_equals_hand_computed_intervals():
    # c0 hidden (true 3); c1, c2 and the total shown as 21, 29, 52 with noise at most 3.
    # c0 = total - c1 - c2 lies in [49 - 24 - 32, 55 - 18 - 26] = [-7, 11], so [0, 11].
    structure = build_structure([DimensionLevels("a", ("c0", "c1", "c2"))])
    true = np.array([3.0, 20, 30, 53])
    shown = np.array([np.nan, 21, 29, 52])
    hidden = np.array([True, False, False, False])
    result = noise_bound_audit(true, shown, hidden, np.zeros(4, bool), structure, 3,
                               np.array([3.0, 0, 0, 0]), np.array([5.0, 0, 0, 0]))
    assert result.lower[0] == pytest.approx(0) and result.upper[0] == pytest.approx(11)
    assert result.passes  # reaches [0, 8]
    # with the noise bound 0 the same table gives the cell away exactly
    exact = noise_bound_audit(true, np.array([np.nan, 20, 30, 53]), hidden, np.zeros(4, bool),
                              structure, 0, np.array([3.0, 0, 0, 0]), np.array([5.0, 0, 0, 0]))
    assert exact.exactly_disclosed[0] and not exact.passes


def test_the_noise_audit_runs_only_when_asked_for():
    protected = protect(one_way([3, 40, 250], [100, 5000, 9000]), OFFICIAL)
    assert object.__getattribute__(protected, "_audit") is None      # Explore and the CLI: no LPs
    assert protected.audit is not None and protected.audit_passes    # a review asks: computed
    assert not np.isnan(review(protected).loc[0, "audit_upper"])
