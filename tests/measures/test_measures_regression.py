"""Tests for the Poisson GLM rate ratios (ONS suicide-study method), against a hand-built
statsmodels formula fit on seeded synthetic data with known true rate ratios."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from explorer.measures.regression import REFERENCE, ZERO_EVENTS, poisson_rate_ratios

pytestmark = pytest.mark.unit

TRUE_RR = {"ref": 1.0, "g_high": 2.5, "g_low": 0.6}
AGE_RR = {"18-34": 1.0, "35-54": 1.8, "55-74": 0.7}
SEX_RR = {"F": 1.0, "M": 3.0}
BASE_RATE = 1e-4  # events per person-year in the reference cell


def synthetic_frame(seed: int = 1, zero_group: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for g, rr in TRUE_RR.items():
        for age, arr in AGE_RR.items():
            for sex, srr in SEX_RR.items():
                py = float(rng.uniform(4e5, 6e5))
                rows.append((g, age, sex, py, rng.poisson(BASE_RATE * rr * arr * srr * py)))
    frame = pd.DataFrame(rows, columns=["group", "age_group", "sex", "person_years", "events"])
    if zero_group:
        extra = frame[frame.group == "ref"].assign(group="g_none", events=0)
        frame = pd.concat([frame, extra], ignore_index=True)
    # a row with no person-time must be dropped, not break the offset
    zero_py = pd.DataFrame([("g_high", "18-34", "F", 0.0, 0)], columns=frame.columns)
    return pd.concat([frame, zero_py], ignore_index=True)


def formula_fit(frame: pd.DataFrame):
    data = frame[frame.person_years > 0]
    return smf.glm("events ~ C(group, Treatment('ref')) + C(age_group) + C(sex)", data,
                   family=sm.families.Poisson(), offset=np.log(data.person_years)).fit()


def test_matches_hand_built_formula_fit():
    frame = synthetic_frame()
    out = poisson_rate_ratios(frame, "group", "ref", ["age_group", "sex"])
    ref = formula_fit(frame)
    ci = ref.conf_int()
    assert list(out.group) == ["g_high", "g_low", "ref"]
    for level in ("g_high", "g_low"):
        name = f"C(group, Treatment('ref'))[T.{level}]"
        row = out.set_index("group").loc[level]
        assert row.rate_ratio == pytest.approx(np.exp(ref.params[name]), rel=1e-10)
        assert row.lower == pytest.approx(np.exp(ci.loc[name, 0]), rel=1e-10)
        assert row.upper == pytest.approx(np.exp(ci.loc[name, 1]), rel=1e-10)
        assert row.p_value == pytest.approx(ref.pvalues[name], rel=1e-8, abs=1e-300)
        assert row.flag == ""
    assert out.attrs["n_rows"] == len(frame) - 1
    assert out.attrs["converged"]


def test_recovers_true_ratios_within_ci():
    out = poisson_rate_ratios(synthetic_frame(), "group", "ref", ["age_group", "sex"]).set_index(
        "group")
    for level in ("g_high", "g_low"):
        assert out.loc[level, "lower"] < TRUE_RR[level] < out.loc[level, "upper"]
    # and the 95% Wald intervals cover the truth at about the nominal rate over 40 seeds
    hits = {"g_high": 0, "g_low": 0}
    for seed in range(100, 140):
        res = poisson_rate_ratios(synthetic_frame(seed), "group", "ref", ["age_group", "sex"])
        for level, row in res.set_index("group").loc[list(hits)].iterrows():
            hits[level] += row.lower < TRUE_RR[level] < row.upper
    assert min(hits.values()) >= 34, hits


def test_reference_row_and_conf_level():
    frame = synthetic_frame()
    out = poisson_rate_ratios(frame, "group", "ref", ["age_group", "sex"], conf=0.99)
    ref_row = out.set_index("group").loc["ref"]
    assert ref_row.rate_ratio == 1.0 and ref_row.flag == REFERENCE
    assert np.isnan(ref_row.lower) and np.isnan(ref_row.upper) and np.isnan(ref_row.p_value)
    ci99 = formula_fit(frame).conf_int(alpha=0.01)
    name = "C(group, Treatment('ref'))[T.g_high]"
    assert out.set_index("group").loc["g_high", "lower"] == pytest.approx(
        np.exp(ci99.loc[name, 0]), rel=1e-10)
    assert out.events.sum() == frame.events.sum()


def test_categorical_order_and_other_reference():
    frame = synthetic_frame()
    frame["group"] = pd.Categorical(frame.group, categories=["g_low", "ref", "g_high"])
    out = poisson_rate_ratios(frame, "group", "g_low", ["age_group", "sex"])
    assert list(out.group) == ["g_low", "ref", "g_high"]
    by = out.set_index("group").rate_ratio
    assert by["g_low"] == 1.0
    assert by["ref"] == pytest.approx(1 / TRUE_RR["g_low"], rel=0.2)


def test_zero_event_level_is_nan_and_flagged():
    frame = synthetic_frame(zero_group=True)
    out = poisson_rate_ratios(frame, "group", "ref", ["age_group", "sex"]).set_index("group")
    row = out.loc["g_none"]
    assert row.flag == ZERO_EVENTS and row.events == 0
    assert np.isnan([row.rate_ratio, row.lower, row.upper, row.p_value]).all()
    # the other levels are unaffected by the empty level
    clean = poisson_rate_ratios(synthetic_frame(), "group", "ref", ["age_group", "sex"])
    assert out.loc["g_high", "rate_ratio"] == pytest.approx(
        clean.set_index("group").loc["g_high", "rate_ratio"], rel=1e-6)
    assert isinstance(out.attrs["warnings"], list)


def test_zero_event_reference_and_bad_input_raise():
    frame = synthetic_frame(zero_group=True)
    with pytest.raises(ValueError, match="zero events"):
        poisson_rate_ratios(frame, "group", "g_none", ["age_group", "sex"])
    with pytest.raises(ValueError, match="not found"):
        poisson_rate_ratios(frame, "group", "nope", ["age_group"])
    with pytest.raises(ValueError, match="lacks columns"):
        poisson_rate_ratios(frame, "group", "ref", ["region"])


def test_fit_warnings_are_caught_and_recorded(monkeypatch):
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    original = GLM.fit

    def noisy_fit(self, *args, **kwargs):
        warnings.warn("Perfect separation or prediction detected", PerfectSeparationWarning)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GLM, "fit", noisy_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the caller
        out = poisson_rate_ratios(synthetic_frame(), "group", "ref", ["age_group", "sex"])
    assert any("Perfect separation" in w for w in out.attrs["warnings"])
    assert out.rate_ratio.notna().all()


def test_sparse_saturated_frame_does_not_crash():
    frame = pd.DataFrame({"group": ["ref", "a", "b"] * 2, "sex": ["F"] * 3 + ["M"] * 3,
                          "events": [5, 0, 3, 0, 0, 4], "person_years": [100.0] * 6})
    out = poisson_rate_ratios(frame, "group", "ref", ["sex"]).set_index("group")
    assert out.loc["a", "flag"] == ZERO_EVENTS
    assert out.loc["b", "rate_ratio"] == pytest.approx(7 / 5, rel=1e-6)
