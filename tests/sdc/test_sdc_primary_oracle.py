"""Primary suppression rules against ACRO (SACRO output checking, PyPI ``acro`` 1.0.2) as oracle.

ACRO's definitions (acro/sdcchecks.py, acro/sdc_agg_funcs.py, acro/default.yaml), read from
its source and pinned here by tests:
- MinimumThresholdCheck: ``count < safe_threshold`` (10) on the count table, so it flags
  EMPTY cells too, whatever ``zeros_are_disclosive`` says. Ours splits this in two:
  ``frequency_rule`` (1..9) and ``zeros_rule`` (0, only when zeros are disclosive).
- PresenceOfZeroCheck (count tables only): ``count == 0`` when zeros_are_disclosive.
- NKCheck: ``top_n_sum / sum >= k`` (n = 2, k = 0.9), top-n by ``nlargest``; a cell with
  fewer than n contributors sums what it has (ratio 1, flagged). Ours is the same ratio with
  ``>=``, so a cell whose top n are exactly k of the total is flagged by both.
- PPercentCheck: ``(sum - top1 - top2) / top1 < p`` (p = 0.1), strict like ours; but a
  non-empty cell whose contributions are all 0 gets ratio 0 and is flagged (the code's
  comment says such cells are "treated as non-disclosive"; the ``where`` is inverted). Ours
  does not flag a zero total.
- NK and p% are not computed when any value is negative (ACRO returns "review" instead).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from explorer.sdc.primary import dominance_rule, frequency_rule, p_percent_rule, zeros_rule

pytestmark = [pytest.mark.golden, pytest.mark.unit,
              pytest.mark.filterwarnings("ignore:The provided callable:FutureWarning")]

THRESHOLD, NK_N, NK_K, P = 10, 2, 0.9, 0.1
DRAWS = range(30)


@pytest.fixture(scope="module")
def acro_session():
    """One ACRO session, its INFO logging (it calls logging.basicConfig on import) silenced."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from acro import ACRO

    root.setLevel(level)
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    logging.getLogger("acro").setLevel(logging.WARNING)
    session = ACRO(suppress=False)
    assert session.config["safe_threshold"] == THRESHOLD
    assert (session.config["safe_nk_n"], session.config["safe_nk_k"]) == (NK_N, NK_K)
    assert session.config["safe_pratio_p"] == P and session.config["zeros_are_disclosive"]
    return session


def acro_flags(session, df: pd.DataFrame, rows: list[str], column: str,
               values: str | None = None) -> tuple[list[tuple], dict[str, np.ndarray]]:
    """Run ACRO's crosstab; return the table's cells (row labels + column label) and, per
    ACRO check, a boolean array over those cells (from the output's sdc["cells"] positions)."""
    index = [df[r] for r in rows] if len(rows) > 1 else df[rows[0]]
    kwargs = {"values": df[values], "aggfunc": "sum"} if values else {}
    table = session.crosstab(index, df[column], **kwargs)
    record = session.results.results[f"output_{session.results.output_id - 1}"]
    cells = [(*(r if isinstance(r, tuple) else (r,)), c) for r in table.index for c in table.columns]
    flags = {}
    for check, positions in record.sdc["cells"].items():
        mask = np.zeros(table.shape, dtype=bool)
        for row, col in positions:
            mask[row, col] = True
        flags[check] = mask.ravel()
    return cells, flags


def our_cell_stats(df: pd.DataFrame, keys: list[str], cells: list[tuple],
                   values: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: contributor count, total, and the two largest contributions (padded with 0),
    computed from the microdata with a groupby nlargest."""
    grid = pd.MultiIndex.from_tuples(cells, names=keys)
    grouped = df.groupby(keys)
    counts = grouped.size().reindex(grid, fill_value=0).to_numpy()
    if values is None:
        return counts, np.zeros(len(cells)), np.zeros((len(cells), 2))
    totals = grouped[values].sum().reindex(grid, fill_value=0.0).to_numpy()
    top = grouped[values].apply(lambda s: (s.nlargest(2).tolist() + [0.0, 0.0])[:2])
    top = top.reindex(grid).map(lambda t: t if isinstance(t, list) else [0.0, 0.0])
    return counts, totals, np.array(top.tolist(), dtype=float)


def random_microdata(seed: int) -> tuple[pd.DataFrame, list[str]]:
    """Skewed categories (small and empty cells), skewed positive values with some zeros and
    some dominant contributors; two or three variables."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 400))
    df = pd.DataFrame({
        "a": rng.choice(["a1", "a2", "a3", "a4"], n, p=[.55, .3, .1, .05]),
        "b": rng.choice(["b1", "b2", "b3", "b4", "b5"], n, p=[.4, .3, .2, .07, .03]),
        "c": rng.choice(["c1", "c2"], n, p=[.8, .2]),
        "value": np.round(rng.lognormal(3, 1, n), 2),
    })
    df.loc[rng.random(n) < 0.1, "value"] = 0.0
    dominant = rng.random(n) < 0.04
    df.loc[dominant, "value"] *= 200
    return df, (["a"] if seed % 2 else ["a", "c"])


@pytest.mark.parametrize("seed", DRAWS)
def test_count_table_flags_equal_acro(acro_session, seed: int) -> None:
    df, rows = random_microdata(seed)
    cells, acro = acro_flags(acro_session, df, rows, "b")
    counts, _, _ = our_cell_stats(df, [*rows, "b"], cells)
    ours_frequency = frequency_rule(counts, THRESHOLD)
    ours_zeros = zeros_rule(counts, zeros_are_disclosive=True)
    np.testing.assert_array_equal(acro["PresenceOfZeroCheck"], ours_zeros)
    # ACRO's threshold check is ours frequency rule plus every empty cell
    np.testing.assert_array_equal(acro["MinimumThresholdCheck"], ours_frequency | (counts == 0))
    np.testing.assert_array_equal(acro["MinimumThresholdCheck"] & (counts > 0), ours_frequency)
    assert ours_frequency.any() or ours_zeros.any() or seed % 2  # the draws do hit the rules


@pytest.mark.parametrize("seed", DRAWS)
def test_magnitude_table_flags_equal_acro(acro_session, seed: int) -> None:
    df, rows = random_microdata(seed)
    cells, acro = acro_flags(acro_session, df, rows, "b", values="value")
    counts, totals, top = our_cell_stats(df, [*rows, "b"], cells, values="value")
    np.testing.assert_array_equal(acro["MinimumThresholdCheck"],
                                  frequency_rule(counts, THRESHOLD) | (counts == 0))
    np.testing.assert_array_equal(acro["NKCheck"], dominance_rule(totals, top, NK_N, NK_K))
    # ACRO also flags non-empty cells whose contributions are all zero (see module docstring)
    all_zero = (counts > 0) & (totals == 0)
    np.testing.assert_array_equal(acro["PPercentCheck"], p_percent_rule(totals, top, P) | all_zero)


def test_the_draws_exercise_dominance_and_p_percent(acro_session) -> None:
    flagged = {"NKCheck": 0, "PPercentCheck": 0, "passed": 0}
    for seed in range(6):
        df, rows = random_microdata(seed)
        cells, acro = acro_flags(acro_session, df, rows, "b", values="value")
        flagged["NKCheck"] += int(acro["NKCheck"].sum())
        flagged["PPercentCheck"] += int(acro["PPercentCheck"].sum())
        flagged["passed"] += int((~acro["NKCheck"] & ~acro["PPercentCheck"]).sum())
    assert min(flagged.values()) > 3, flagged


# --- edge cases: each pins one definition -------------------------------------------------------

def table_from_cells(cells: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    rows = [{"a": a, "b": b, "value": v} for (a, b), values in cells.items() for v in values]
    return pd.DataFrame(rows)


SAFE = [10.0] * 12  # twelve equal contributions: passes every rule


def _edge(acro_session, cell: list[float]) -> tuple[dict[str, bool], dict[str, bool]]:
    """ACRO's and our verdicts for the cell (x, p) in a 2x2 table whose other cells are safe."""
    df = table_from_cells({("x", "p"): cell, ("x", "q"): SAFE, ("y", "p"): SAFE, ("y", "q"): SAFE})
    cells, acro = acro_flags(acro_session, df, ["a"], "b", values="value")
    counts, totals, top = our_cell_stats(df, ["a", "b"], cells, values="value")
    i = cells.index(("x", "p"))
    ours = {"MinimumThresholdCheck": bool(frequency_rule(counts, THRESHOLD)[i]),
            "NKCheck": bool(dominance_rule(totals, top, NK_N, NK_K)[i]),
            "PPercentCheck": bool(p_percent_rule(totals, top, P)[i])}
    return {check: bool(acro[check][i]) for check in ours}, ours


def test_threshold_is_strict_less_than_on_both_sides(acro_session) -> None:
    acro, ours = _edge(acro_session, [1.0] * 9)
    assert acro["MinimumThresholdCheck"] and ours["MinimumThresholdCheck"]
    acro, ours = _edge(acro_session, [1.0] * 10)
    assert not acro["MinimumThresholdCheck"] and not ours["MinimumThresholdCheck"]


def test_acro_threshold_flags_empty_cells_even_when_zeros_are_not_disclosive(acro_session) -> None:
    df = table_from_cells({("x", "p"): SAFE, ("x", "q"): SAFE, ("y", "p"): SAFE})  # (y, q) empty
    acro_session.config["zeros_are_disclosive"] = False
    try:
        cells, acro = acro_flags(acro_session, df, ["a"], "b")
    finally:
        acro_session.config["zeros_are_disclosive"] = True
    counts, _, _ = our_cell_stats(df, ["a", "b"], cells)
    empty = cells.index(("y", "q"))
    assert acro["MinimumThresholdCheck"][empty] and not acro["PresenceOfZeroCheck"][empty]
    assert not frequency_rule(counts, THRESHOLD)[empty]
    assert not zeros_rule(counts, zeros_are_disclosive=False)[empty]


def test_dominance_with_fewer_than_n_contributors(acro_session) -> None:
    acro, ours = _edge(acro_session, [500.0])
    assert acro["NKCheck"] and ours["NKCheck"]
    assert acro["PPercentCheck"] and ours["PPercentCheck"]


def test_dominance_boundary_exactly_k(acro_session) -> None:
    acro, ours = _edge(acro_session, [45.0, 45.0] + [1.0] * 10)  # top 2 = 90 of 100
    assert acro["NKCheck"]
    assert ours["NKCheck"] == acro["NKCheck"]


def test_p_percent_boundary_is_strict_on_both_sides(acro_session) -> None:
    acro, ours = _edge(acro_session, [100.0, 50.0] + [1.0] * 10)  # rest = 10 = p * largest
    assert not acro["PPercentCheck"] and not ours["PPercentCheck"]
    acro, ours = _edge(acro_session, [100.0, 50.0] + [0.999] * 10)  # rest 9.99 < 10
    assert acro["PPercentCheck"] and ours["PPercentCheck"]


def test_p_percent_all_zero_contributions_acro_flags_ours_does_not(acro_session) -> None:
    acro, ours = _edge(acro_session, [0.0] * 12)
    assert acro["PPercentCheck"] and not ours["PPercentCheck"]
    assert not acro["NKCheck"] and not ours["NKCheck"]  # 0 / 0: neither flags
