"""Maximum-entropy count p-tables (explorer.sdc.ptable_design): the properties of the shipped
tables and of hypothesis-drawn parameters, the shipped files against their generator, the
entropy optimum, refusals, and the ONS ``cell-key-perturbation`` package as oracle of the
perturbation the generated tables drive."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize
from test_sdc_perturbation import COLUMNS, ons_perturbed_table, random_microdata

from explorer.errors import ExplorerError
from explorer.sdc.perturbation import perturbed_table_from_microdata
from explorer.sdc.ptable import PTable, PTableError
from explorer.sdc.ptable_design import (
    DATA_DIR, SHIPPED, PTableParameters, design_count_ptable, load_parameters, main,
    ptable_properties, relaxed_rows, row_designs, sidecar_path, sidecar_text,
    transition_probabilities,
)


@pytest.fixture(scope="module")
def shipped() -> dict[str, tuple[PTableParameters, PTable]]:
    """Each shipped table as loaded from its CSV, with the parameters of its sidecar."""
    return {name: (load_parameters(sidecar_path(DATA_DIR / name)), PTable.load(DATA_DIR / name))
            for name in SHIPPED}


def targets(i: int, d: int, js: int) -> np.ndarray:
    """Deviations allowed for count i, written out again here (not the module's helper)."""
    return np.array([j - i for j in range(max(i - d, 0), i + d + 1) if j == 0 or j >= js])


def lp_min_variance(i: int, d: int, js: int) -> float:
    v = targets(i, d, js).astype(float)
    lp = linprog(v**2, A_eq=np.vstack([np.ones_like(v), v]), b_eq=[1, 0], bounds=(0, None))
    assert lp.status == 0
    return lp.fun


def entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def check_ptable(params: PTableParameters, table: PTable) -> None:
    """Every property the design promises, read off the quantised table."""
    d, v_target, js, m = params.max_noise, params.variance, params.js, params.modulus
    grid = table.pvalues.astype(np.int64)
    assert (table.max_pcv, table.modulus) == (params.max_pcv, m)
    assert (grid[0] == 0).all()  # empty cells are never perturbed
    assert (grid[1:].sum(axis=1) == 0).all()  # every row's mean is exactly 0
    assert (np.diff(grid, axis=1) >= 0).all()  # keys in contiguous blocks, ascending noise
    props = ptable_properties(table, js=js).set_index("pcv")
    assert (props["mean"] == 0).all()
    assert (props["max_abs_pvalue"] <= d).all()
    assert (props["min_perturbed"] >= 0).all() and not props["lands_in_blocked"].any()
    perturbed = grid + np.arange(len(grid))[:, None]
    assert not ((perturbed >= 1) & (perturbed < js)).any() and (perturbed >= 0).all()
    assert (grid[params.generic_row + 1:] == grid[params.generic_row]).all()
    designs = row_designs(params)
    assert set(designs) == set(range(1, params.generic_row + 1))
    relaxed = {i for i in designs if lp_min_variance(i, d, js) > v_target + 1e-6}
    assert set(relaxed_rows(params)) == relaxed
    for i, row in designs.items():
        quantised = props.loc[i, "variance"]
        assert quantised >= lp_min_variance(i, d, js) - 1e-9  # no unbiased row has less
        if row.kind == "relaxed":
            assert row.variance == pytest.approx(lp_min_variance(i, d, js), abs=1e-7)
            assert quantised == pytest.approx(row.variance, abs=0.15)
        elif row.kind == "slack":
            assert row.variance < v_target and quantised == pytest.approx(row.variance, abs=0.05)
        else:
            assert row.kind == "target" and quantised == pytest.approx(v_target, abs=0.05)
        if i >= js:  # the count itself may be published: it is the likeliest outcome
            assert props.loc[i, "p_stay"] == props.loc[i, "p_max"] > 0


parameters = st.builds(
    lambda d, share, js_share, modulus: PTableParameters(
        d, round(share * d * (d + 1) / 3, 3), 1 + round(js_share * (d - 1)), modulus=modulus),
    st.integers(2, 5), st.floats(0.05, 0.9), st.floats(0, 1), st.sampled_from([256, 4096]))


# --- the shipped tables --------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_table_has_the_promised_properties(name: str, shipped) -> None:
    params, table = shipped[name]
    assert (params.max_noise, params.variance, params.js) == SHIPPED[name]
    assert (params.max_pcv, params.modulus) == (750, 256)
    check_ptable(params, table)


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_files_are_what_the_generator_makes(name: str, shipped, tmp_path: Path) -> None:
    params, table = shipped[name]
    generated = design_count_ptable(params)
    np.testing.assert_array_equal(table.pvalues, generated.pvalues)
    generated.to_csv(tmp_path / name)
    assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes()
    assert sidecar_path(DATA_DIR / name).read_text(encoding="utf-8") == sidecar_text(params)


@pytest.mark.unit
def test_shipped_tables_rows_and_kinds() -> None:
    official = row_designs(PTableParameters(3, 2, 3))
    assert {i: r.kind for i, r in official.items()} == {
        1: "target", 2: "target", 3: "target", 4: "slack", 5: "target", 6: "target"}
    # counts 1 and 2 have exactly one unbiased distribution of variance 2: two points
    np.testing.assert_allclose(official[1].p, [2 / 3, 1 / 3, 0], atol=1e-9)
    np.testing.assert_allclose(official[2].p, [1 / 3, 2 / 3, 0, 0], atol=1e-9)
    public = row_designs(PTableParameters(5, 3, 3))
    assert {r.kind for r in public.values()} == {"target"}
    generic = public[8].p
    np.testing.assert_allclose(generic, generic[::-1], atol=1e-12)


# --- hypothesis-drawn parameters -----------------------------------------------------------------

@pytest.mark.unit
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters)
def test_designed_tables_have_the_promised_properties(params: PTableParameters) -> None:
    check_ptable(params, design_count_ptable(params))


@pytest.mark.unit
def test_relaxed_rows_get_the_smallest_feasible_variance() -> None:
    params = PTableParameters(3, 1, 3)  # counts 1 and 2 cannot have variance below 2
    assert relaxed_rows(params) == pytest.approx({1: 2.0, 2: 2.0})
    check_ptable(params, design_count_ptable(params))
    assert relaxed_rows(PTableParameters(5, 1.5, 4)) == pytest.approx({1: 3.0, 2: 4.0, 3: 3.0})
    assert relaxed_rows(PTableParameters(5, 3, 3)) == {}


@pytest.mark.unit
def test_slack_row_is_the_entropy_maximum_without_the_variance_bound() -> None:
    """Count 4 with js = 3, D = 3 can only fall to 3 (or stay); its entropy maximum has a
    variance of 1.107 < 2, so the bound V does not bind (as in ptable, optim = 1)."""
    bound, loose = transition_probabilities(PTableParameters(3, 2, 3)), \
        transition_probabilities(PTableParameters(3, 3.9, 3))
    v, p = bound[4]
    np.testing.assert_array_equal(v, [-1, 0, 1, 2, 3])
    np.testing.assert_allclose(p, loose[4][1], atol=1e-9)
    assert p @ v**2 == pytest.approx(1.107278, abs=1e-6)
    assert p[0] == pytest.approx(p[1], abs=1e-9)  # mono binds: falling to 3 as likely as staying


def _primal_slsqp(v: np.ndarray, variance: float) -> np.ndarray:
    """The primal by SLSQP: max entropy, sum 1, mean 0, variance <= V, p rising to v = 0."""
    v = v.astype(float)
    z = int(np.count_nonzero(v < 0)) if (v == 0).any() else 0
    constraints = [{"type": "eq", "fun": lambda p: np.array([p.sum() - 1, p @ v])},
                   {"type": "ineq",
                    "fun": lambda p: np.r_[variance - p @ v**2, np.diff(p[:z + 1])]}]
    return minimize(lambda p: -entropy(np.maximum(p, 1e-300)), np.full(len(v), 1 / len(v)),
                    method="SLSQP", bounds=[(0, 1)] * len(v), constraints=constraints,
                    options={"ftol": 1e-14, "maxiter": 2000}).x


@pytest.mark.unit
@pytest.mark.parametrize("args", [(3, 2, 3), (5, 3, 3), (4, 1.7, 2), (2, 0.8, 1), (5, 6.5, 4)])
def test_continuous_solution_is_the_entropy_maximum(args) -> None:
    params = PTableParameters(*args)
    rng = np.random.default_rng(int(1000 * sum(args)))
    for i, row in row_designs(params).items():
        v, p = row.v.astype(float), row.p
        assert p.sum() == pytest.approx(1, abs=1e-12) and abs(p @ v) < 1e-9
        assert p @ v**2 <= max(params.variance, row.variance) + 1e-9
        if row.kind == "relaxed":
            continue
        assert entropy(p) >= entropy(_primal_slsqp(row.v, params.variance)) - 1e-7
        # random feasible moves (sum, mean, and for binding rows variance, kept) lose entropy
        z = int(np.count_nonzero(v < 0)) if 0 in v else 0
        kept = np.vstack([np.ones_like(v), v] + ([v**2] if row.kind == "target" else []))
        null = np.linalg.svd(kept)[2][len(kept):]
        if len(null) == 0:  # two targets: one distribution has mean 0 and variance V
            continue
        tried = 0
        for _ in range(200):
            q = p + rng.normal(size=len(null)) @ null * 10.0 ** rng.uniform(-6, -2)
            if ((q >= 0).all() and (np.diff(q[:z + 1]) >= 0).all()
                    and q @ v**2 <= params.variance + 1e-12):
                tried += 1
                assert entropy(q) <= entropy(p) + 1e-12
        assert tried > 0 or (p < 1e-12).any()  # a row at a vertex is the only feasible point


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("kwargs, message", [
    ({"max_noise": 0, "variance": 1, "js": 3}, "max_noise and js must be at least 1"),
    ({"max_noise": 3, "variance": 1, "js": 0}, "max_noise and js must be at least 1"),
    ({"max_noise": 2.5, "variance": 1, "js": 3}, "max_noise must be a whole number"),
    ({"max_noise": 3, "variance": 1, "js": True}, "js must be a whole number"),
    ({"max_noise": 3, "variance": 0, "js": 3}, "variance must be a number above 0"),
    ({"max_noise": 3, "variance": float("nan"), "js": 3}, "variance must be a number above 0"),
    ({"max_noise": 3, "variance": "2", "js": 3}, "variance must be a number above 0"),
    ({"max_noise": 3, "variance": 4, "js": 3}, r"variance must be below .* = 4"),
    ({"max_noise": 3, "variance": 2, "js": 3, "modulus": 1000}, "modulus must be one of"),
    ({"max_noise": 3, "variance": 2, "js": 3, "max_pcv": 254}, "max_pcv must be at least .* = 255"),
])
def test_invalid_parameters_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(PTableError, match=f"p-table parameter {message}") as raised:
        PTableParameters(**kwargs)
    assert isinstance(raised.value, ExplorerError)


@pytest.mark.unit
def test_rows_without_an_unbiased_perturbation_are_refused() -> None:
    # D = 1, js = 3: count 1 can only go to 0
    with pytest.raises(PTableError, match=r"D=1, V=0.5, js=3.*count 1 can only go to 0.*"
                                          r"no unbiased perturbation"):
        design_count_ptable(PTableParameters(1, 0.5, 3))
    # D = 2, js = 3: count 1 goes to 0 or 3, so n_0 = 2 n_3 and 3 n_3 = 256 has no solution
    with pytest.raises(PTableError, match=r"D=2, V=1, js=3.*cell keys of count 1 cannot be split "
                                          r"among its targets 0, 3 with mean exactly 0"):
        design_count_ptable(PTableParameters(2, 1, 3))
    design_count_ptable(PTableParameters(3, 1, 4))  # 0 or 4 from 1: 4 divides 256, so fine


@pytest.mark.unit
def test_command_line_writes_the_table_and_its_parameters(tmp_path: Path, capsys) -> None:
    out = tmp_path / "table.csv"
    assert main(["--max-noise", "3", "--variance", "1", "--js", "3", "--out", str(out)]) == 0
    params = load_parameters(sidecar_path(out))
    assert params == PTableParameters(3, 1.0, 3)
    np.testing.assert_array_equal(PTable.load(out).pvalues, design_count_ptable(params).pvalues)
    assert "relaxed 2.0000" in capsys.readouterr().out
    assert main(["--max-noise", "1", "--variance", "2", "--js", "3", "--out", str(out)]) == 2
    assert "variance must be below" in capsys.readouterr().err
    with pytest.raises(PTableError, match="missing or lacks"):
        load_parameters(tmp_path / "nothing.yaml")


# --- the ONS package as oracle -------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.golden
@pytest.mark.parametrize("name", sorted(SHIPPED))
@pytest.mark.parametrize("seed, threshold", [(20, 0), (21, 10)])
def test_ons_package_perturbs_as_we_do_with_generated_tables(name: str, seed: int, threshold: int,
                                                             shipped) -> None:
    _, table = shipped[name]
    df = random_microdata(seed, rows=20_000)
    for by in (["sex", "ethnicity", "region"], ["region"]):
        ours = perturbed_table_from_microdata(df, by, "record_key", table, threshold)
        ons = ons_perturbed_table(df, table.to_frame(), by, threshold)
        pd.testing.assert_frame_equal(ours, ons[by + COLUMNS])
    cells = perturbed_table_from_microdata(df, ["sex", "ethnicity", "region"], "record_key",
                                           table, threshold=0)
    assert (cells["pre_sdc_count"] > 750).any() and (cells["pre_sdc_count"].between(1, 8)).any()
    assert (cells["pvalue"] != 0).any() and (cells["pvalue"] == 0).any()
    assert not cells["count"].between(1, 2).any()  # js = 3: no published 1 or 2
