"""Golden tests for the SII/RII port of PHEindicatormethods ``phe_sii``.

Inputs and expected values: tests/testthat/testdata_SII.xlsx (sheet testdata_SII),
PHEindicatormethods@093fd28 (v2.1.0), as used by tests/testthat/testSII.R. sii, rii and the
intercept are deterministic (checked to 1e-9 relative); the confidence limits come from 100,000
Monte-Carlo reps in PHE's Excel tool, so they are compared with the R tests' tolerance (0.05).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from explorer.measures.inequality import SiiResult, sii_direction, slope_index_of_inequality

pytestmark = [pytest.mark.golden, pytest.mark.unit]

EXACT = 1e-9
CI_TOL = 0.05  # testSII.R: tol <- 0.05

# testdata_SII.xlsx, PHEindicatormethods@093fd28: RecordNo 1-10 (area1, value_type 0)
AREA1_POP = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534]
AREA1_VALUE = [75.933459010308098, 78.344238272784295, 83.836063104165405, 83.637539966493094,
               80.465503152955904, 81.115675985702197, 81.693083571856207, 84.190006206098701,
               80.595564108147201, 86.289434957862397]
AREA1_LOW = [72.722053054645301, 75.250980219080205, 80.869729512475899, 80.157578356035998,
             77.130878596927502, 78.049998681117799, 79.011578491948001, 81.445728276934304,
             75.827185168894005, 83.2190593454592]
AREA1_UPP = [79.144864965970797, 81.4374963264884, 86.802396695854895, 87.117501576950104,
             83.800127708984206, 84.181353290286594, 84.374588651764398, 86.934284135263098,
             85.363943047400397, 89.359810570265594]
# testdata_SII.xlsx, PHEindicatormethods@093fd28: RecordNo 11-20 (area2, value_type 0)
AREA2_POP = [21675, 20065, 19750, 24713, 20112, 19618, 22408, 19752, 18939, 19312]
AREA2_VALUE = [70.54853186, 71.57155734, 72.48698671, 73.51985519, 73.14605425, 76.15898712,
               78.65444871, 80.56476961, 80.85486627, 79.9711253]
AREA2_LOW = [70.09853186, 71.12155734, 72.03698671, 73.06985519, 72.69605425, 75.70898712,
             78.20444871, 80.11476961, 80.40486627, 79.5211253]
AREA2_UPP = [70.99853186, 72.14, 73.21, 73.7, 75.8, 78.76, 79.77, 81.21, 81.30486627, 80.9]
# testdata_SII.xlsx, PHEindicatormethods@093fd28: RecordNo 71-80 (area1, rates, value_type 1)
RATE_POP = [279012, 255993, 236961, 214315, 192812, 183546, 168593, 164822, 154836, 138165]
RATE_VALUE = [5.8922196894757208, 4.7345044591063035, 3.827634083245766, 3.8681380211371112,
              3.6771570234217785, 3.1436261209723995, 3.1258711808912585, 2.9425683464586041,
              2.8287995039913199, 2.7648101907140012]
RATE_LOW = [5.6149596624107483, 4.4759207707810038, 3.5869260554450242, 3.6140791140579505,
            3.4166969870147965, 2.8977176350029272, 2.8704938092859789, 2.6924041297904315,
            2.5763057378752698, 2.5014206190884578]
RATE_UPP = [6.1830853575761537, 5.0079519402470885, 4.0844291026854505, 4.1399822998098585,
            3.9573934822289045, 3.4103317188858107, 3.4038909874130083, 3.2159015715579464,
            3.1059621495836955, 3.0558486661833499]
# testdata_SII.xlsx, PHEindicatormethods@093fd28: RecordNo 91-100 (area1, proportions, value_type 2)
PROP_POP = np.array([34353, 32112, 27715, 25372, 23889, 23260, 23180, 24193, 23609, 24488])
PROP_COUNT = np.array([7287, 6881, 5656, 4868, 4176, 3876, 3617, 3546, 3314, 2960])
PROP_LOW = [0.207830499225555, 0.209827711465288, 0.19937351725899902, 0.187066648694241,
            0.170044640703038, 0.16190410576997, 0.151425075468518, 0.142170753783533,
            0.13599767093637602, 0.11685200990738201]
PROP_UPP = [0.216476300812899, 0.218803170788612, 0.208862933590925, 0.19675673996565,
            0.17967690552753499, 0.17148199783416998, 0.160768288675927, 0.151084110529924,
            0.144859737537153, 0.125017980504761]

AREA1 = (AREA1_VALUE, AREA1_LOW, AREA1_UPP, AREA1_POP)
AREA2 = (AREA2_VALUE, AREA2_LOW, AREA2_UPP, AREA2_POP)
RATES = (RATE_VALUE, RATE_LOW, RATE_UPP, RATE_POP)
PROPS = (PROP_COUNT / PROP_POP, PROP_LOW, PROP_UPP, PROP_POP)

# (id, inputs, kwargs, expected sii, rii, intercept or None, (sii CI), (rii CI)); testdata_SII.xlsx,
# PHEindicatormethods@093fd28, expected values in the first row of each area (RecordNo given).
CASES = [
    ("area1-95 (RecordNo 1, 246)", AREA1, {}, 6.9346164736688189, 1.0888180804446217,
     78.076630782316712, (3.1275946176508169, 10.7586873680794),
     (1.0383690591642838, 1.1412993360251238)),
    ("area1-99 (RecordNo 21)", AREA1, {"conf": 0.99}, 6.9346164736688189, 1.0888180804446217,
     78.076630782316712, (1.9243274437391116, 11.99208403800279),
     (1.0234148326541768, 1.1587677685047233)),
    ("area1-99pc (RecordNo 21)", AREA1, {"conf": 99}, 6.9346164736688189, 1.0888180804446217,
     None, (1.9243274437391116, 11.99208403800279), (1.0234148326541768, 1.1587677685047233)),
    ("area2-95 (RecordNo 11, 256)", AREA2, {}, 12.547846636351798, 1.180885620848795,
     69.368955793565931, (11.936156426792138, 13.163020132396579),
     (1.1713706914325628, 1.1904396357244886)),
    ("rate (RecordNo 71, 266)", RATES, {"value_type": 1}, -3.2752012326471758,
     0.40600068953980034, 5.5138131896310112, (-3.5868233016744155, -2.9653170017272723),
     (0.36888170199068804, 0.44624776652446996)),
    ("rate-transform (RecordNo 306)", RATES, {"value_type": "log", "transform": True},
     -3.1559071389545599, 0.44188484360768232, 5.6545806054694703,
     (-3.4809615490242884, -2.8332373447636319), (0.40827440803607229, 0.47856632650069308)),
    ("rate-transform-neg (RecordNo 386)", RATES, {"value_type": 1, "transform": True,
                                                  "multiplier": -1},
     3.1559071389545599, 2.2630330378288055, 5.6545806054694703,
     (2.833237344763632, 3.4809615490242884), (2.0895745158504204, 2.449333047374468)),
    ("proportion (RecordNo 91, 286)", PROPS, {"value_type": 2}, -0.10720032333730493,
     0.53340153064655071, 0.22974855336720032, (-0.11220857220984691, -0.1021798062145461),
     (0.51712731963580183, 0.55015384129130041)),
    ("proportion x100 (RecordNo 111)", PROPS, {"value_type": "logit", "multiplier": 100},
     -10.720032333730494, 0.53340153064655071, None, (-11.22085722098469, -10.21798062145461),
     (0.51712731963580183, 0.55015384129130041)),
    ("proportion x-100 (RecordNo 131)", PROPS, {"value_type": 2, "multiplier": -100},
     10.720032333730494, 1.8747602744744141, None, (10.21798062145461, 11.22085722098469),
     (1.8176733941416052, 1.933759757083172)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_sii_golden(case):
    _, inputs, kwargs, sii, rii, intercept, sii_ci, rii_ci = case
    res = slope_index_of_inequality(*inputs, **kwargs)
    assert isinstance(res, SiiResult)
    assert res.sii == pytest.approx(sii, rel=EXACT)
    assert res.rii == pytest.approx(rii, rel=EXACT)
    if intercept is not None:
        assert res.intercept == pytest.approx(intercept, rel=EXACT)
    assert (res.sii_lower, res.sii_upper) == pytest.approx(sii_ci, rel=CI_TOL)
    assert (res.rii_lower, res.rii_upper) == pytest.approx(rii_ci, rel=CI_TOL)
    assert res.sii_lower < res.sii < res.sii_upper
    assert res.rii_lower < res.rii < res.rii_upper
    assert res.method.startswith("simulation 100000 reps")


@pytest.mark.parametrize(("sl", "expected"), [
    (slice(0, 5), 7.9193341471008738),   # testdata_SII.xlsx RecordNo 61-65 (area1 quintiles)
    (slice(10, 15), 3.6215563376545648),  # RecordNo 66-70 (area2 quintiles); SII only
], ids=["area1-quintiles", "area2-quintiles"])
def test_sii_quintiles(sl, expected):
    both = [a + b for a, b in zip(AREA1, AREA2)]
    inputs = [np.asarray(x)[sl] for x in both]
    res = slope_index_of_inequality(*inputs, repetitions=1000)
    assert res.sii == pytest.approx(expected, rel=EXACT)


def test_multiplier_sign_inverts_rii_and_flips_sii():
    pos = slope_index_of_inequality(*PROPS, value_type=2, multiplier=100, repetitions=2000)
    neg = slope_index_of_inequality(*PROPS, value_type=2, multiplier=-100, repetitions=2000)
    assert neg.sii == pytest.approx(-pos.sii, rel=1e-12)
    assert neg.rii == pytest.approx(1 / pos.rii, rel=1e-12)
    assert neg.sii > 0 and neg.rii > 1  # bigger gap reads as a bigger number
    assert "most deprived minus least" in sii_direction(-100)
    assert "least deprived minus most" in sii_direction(1)


def test_same_seed_gives_identical_ci_and_is_fast():
    start = time.perf_counter()
    first = slope_index_of_inequality(*AREA1, seed=5)
    elapsed = time.perf_counter() - start
    assert slope_index_of_inequality(*AREA1, seed=5) == first
    other = slope_index_of_inequality(*AREA1, seed=6)
    assert other.sii == first.sii and other.sii_lower != first.sii_lower
    assert elapsed < 2.0  # typically ~0.05 s; loose bound so a loaded CI box does not flake


def test_input_order_is_quantile_order():
    fwd = slope_index_of_inequality(*AREA1, repetitions=1000)
    rev = slope_index_of_inequality(*(list(reversed(x)) for x in AREA1), repetitions=1000)
    assert rev.sii == pytest.approx(-fwd.sii, rel=1e-9)


@pytest.mark.parametrize("n", [0, 1, 4, 101])
def test_group_count_outside_5_to_100_raises(n):
    rng = np.random.default_rng(1)
    vals = rng.uniform(70, 80, n)
    with pytest.raises(ValueError, match="between 5 and 100"):
        slope_index_of_inequality(vals, vals - 1, vals + 1, np.full(n, 100.0))


@pytest.mark.parametrize(("change", "message"), [
    ({"population": 0}, "zero, negative"),
    ({"values": np.nan}, "NaN"),
    ({"lower_cl": np.nan}, "NaN"),
    ({"lower_cl": 99.0}, "exceed"),
])
def test_invalid_inputs_raise(change, message):
    args = {"values": list(AREA1_VALUE), "lower_cl": list(AREA1_LOW),
            "upper_cl": list(AREA1_UPP), "population": list(AREA1_POP)}
    (key, bad), = change.items()
    args[key][3] = bad
    with pytest.raises(ValueError, match=message):
        slope_index_of_inequality(**args)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"transform": True}, "transform"),
    ({"value_type": 3}, "value_type"),
    ({"repetitions": 999}, "1000"),
    ({"conf": 0.8}, "between 0.9 and 1"),
])
def test_invalid_options_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        slope_index_of_inequality(*AREA1, **kwargs)


def test_untransformable_values_raise():
    with pytest.raises(ValueError, match="between 0 and 1"):
        slope_index_of_inequality(*AREA1, value_type=2)
    low = list(PROP_LOW)
    low[0] = 0.0
    with pytest.raises(ValueError, match="cannot be transformed"):
        slope_index_of_inequality(PROPS[0], low, PROP_UPP, PROP_POP, value_type=2)
