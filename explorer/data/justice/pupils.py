"""Synthetic pupils (NPD-like): characteristics up to the end of Key Stage 4, vectorised with numpy.

A latent disadvantage z (mean by region and ethnic group, standard normal around it) ties the
characteristics together: free school meals, special educational needs, persistent absence,
suspension, permanent exclusion, alternative provision, children's social care and low KS4
attainment are each a threshold of ``loading * z + sex shift + noise``, so they go together as in
the published figures. Thresholds are quantiles of the same latents on a fixed calibration
sample (parameters.CALIBRATION_SEED), so every build uses the same thresholds and the shares
of all pupils match the published ones. Numbers and sources: explorer.data.justice.parameters.

Internal flags are booleans (True = has the characteristic); build.py maps them to the catalog's
codes (1 = has it, 2 = not).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from explorer.data.justice import parameters as P
from explorer.data.sampling import categorical, categorical_by_row

TWIN_CORRELATION = 0.8   # of the twins' latent disadvantage [ASSUMED]


def _ethnicity_rows() -> np.ndarray:
    """Ethnicity shares for (rest of England, London), rest derived so national shares hold."""
    london = P.REGION_SHARES[P.LONDON - 1]
    rest = (P.ETHNICITY_NATIONAL - london * P.ETHNICITY_LONDON) / (1.0 - london)
    return np.vstack([rest, P.ETHNICITY_LONDON])


def _latents(rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """Region, ethnicity, cohort, sex, twin pairs and the latent scores of ``size`` pupils."""
    uniforms = rng.random((4, size))
    region = categorical(uniforms[0], P.REGION_SHARES) + 1
    ethnicity = categorical_by_row(uniforms[1], _ethnicity_rows(), (region == P.LONDON).astype(int))
    cohort = categorical(uniforms[2], P.COHORT_SHARES) + 1
    male = uniforms[3] < P.MALE_SHARE
    # A twin (the pupil after an even-numbered pupil, with probability 2 x TWIN_SHARE) shares
    # region, ethnic group and birth cohort, and much of the latent disadvantage.
    twin = np.zeros(size, dtype=bool)
    starts = np.arange(0, size - 1, 2)
    twin[starts[rng.random(len(starts)) < 2 * P.TWIN_SHARE] + 1] = True
    first = np.flatnonzero(twin) - 1
    region[twin], ethnicity[twin], cohort[twin] = region[first], ethnicity[first], cohort[first]
    noise = rng.standard_normal((9, size))
    mean = P.Z_REGION[region - 1] + P.Z_ETHNICITY[ethnicity]
    z = mean + noise[0]
    z[twin] = mean[twin] + TWIN_CORRELATION * (z[first] - mean[first]) \
        + np.sqrt(1 - TWIN_CORRELATION ** 2) * noise[0][twin]

    def latent(name: str, row: int) -> np.ndarray:
        loading = P.LOADINGS[name]
        return loading * z + P.MALE_SHIFT[name] * male + np.sqrt(1 - loading ** 2) * noise[row]

    suspended = latent("suspended", 4)
    return {
        "region": region, "ethnicity": ethnicity, "birth_cohort": cohort, "male": male,
        "twin": twin, "fsm": latent("fsm", 1), "sen": latent("sen", 2), "absent": latent("absent", 3),
        "suspended": suspended, "excluded": suspended + P.EXCLUSION_NOISE * noise[5],
        "ap": latent("ap", 6), "social_care": latent("social_care", 7),
        "attainment": latent("attainment", 8), "ap_uniform": rng.random(size),
    }


def _upper(values: np.ndarray, share: float) -> float:
    """The threshold above which ``share`` of ``values`` lie."""
    return float(np.quantile(values, 1.0 - share))


@lru_cache(maxsize=1)
def thresholds() -> dict[str, tuple[float, ...]]:
    """Thresholds of every latent, solved once on the fixed calibration sample."""
    sample = _latents(np.random.default_rng([P.CALIBRATION_SEED, 1]), P.CALIBRATION_PUPILS)
    found = {
        "fsm": (_upper(sample["fsm"], P.FSM_SHARE),),
        "sen": (_upper(sample["sen"], P.EHC_SHARE),
                _upper(sample["sen"], P.EHC_SHARE + P.SEN_SUPPORT_SHARE)),
        "absent": (_upper(sample["absent"], P.ABSENT_SHARE),),
        "suspended": (_upper(sample["suspended"], P.SUSPENDED_SHARE),),
        "excluded": (_upper(sample["excluded"], P.EXCLUDED_SHARE),),
        "social_care": (_upper(sample["social_care"], P.LOOKED_AFTER_SHARE),
                        _upper(sample["social_care"], P.LOOKED_AFTER_SHARE + P.CHILD_IN_NEED_SHARE)),
    }
    partial = _characteristics(sample, {**found, "ap": (np.inf,), "attainment": (np.inf,) * 3})
    ap_score = _ap_score(sample, partial)
    not_excluded = ~partial["excluded"]
    # Alternative provision outside permanent exclusion makes up the rest of AP_SHARE.
    rest = (P.AP_SHARE - P.AP_IF_EXCLUDED * P.EXCLUDED_SHARE) / not_excluded.mean()
    found["ap"] = (_upper(ap_score[not_excluded], rest),)
    score = _attainment_score(sample, partial)
    found["attainment"] = tuple(float(np.quantile(score, q))
                                for q in np.cumsum(P.ATTAINMENT_SHARES)[:3])
    return found


def _ap_score(latents: dict[str, np.ndarray], flags: dict[str, np.ndarray]) -> np.ndarray:
    # Alternative provision is likelier after suspensions and with an EHC plan [ASSUMED].
    return latents["ap"] + 0.8 * flags["suspended"] + 0.5 * (flags["sen"] == 1)


def _attainment_score(latents: dict[str, np.ndarray], flags: dict[str, np.ndarray]) -> np.ndarray:
    shift = np.array([0.0, *P.ATTAINMENT_SEN_SHIFT.values()])
    return latents["attainment"] + shift[flags["sen"]] + 0.3 * flags["absent"]


def _characteristics(latents: dict[str, np.ndarray],
                     cut: dict[str, tuple[float, ...]]) -> dict[str, np.ndarray]:
    """Characteristics from latents and thresholds (ordered ones as codes 1..k)."""
    excluded = latents["excluded"] > cut["excluded"][0]
    flags = {
        "fsm": latents["fsm"] > cut["fsm"][0],
        "sen": np.where(latents["sen"] > cut["sen"][0], 1, np.where(latents["sen"] > cut["sen"][1], 2, 3)),
        "absent": latents["absent"] > cut["absent"][0],
        "suspended": (latents["suspended"] > cut["suspended"][0]) | excluded,
        "excluded": excluded,
        "social_care": np.where(latents["social_care"] > cut["social_care"][0], 1,
                                np.where(latents["social_care"] > cut["social_care"][1], 2, 3)),
    }
    flags["ap"] = np.where(excluded, latents["ap_uniform"] < P.AP_IF_EXCLUDED,
                           _ap_score(latents, flags) > cut["ap"][0])
    flags["attainment"] = np.searchsorted(np.asarray(cut["attainment"]),
                                          _attainment_score(latents, flags)) + 1
    return flags


def generate_pupils(rng: np.random.Generator, first_person_id: int, size: int) -> dict[str, np.ndarray]:
    """``size`` pupils with ids from ``first_person_id``: person_id, male, region, ethnicity
    (code, 0 unclassified), birth_cohort (1..6), fsm, sen (1 EHC plan, 2 SEN support, 3 none),
    absent, suspended, excluded, ap, social_care (1 looked after, 2 child in need, 3 neither),
    attainment (1..4), twin (the previous pupil is this pupil's twin)."""
    latents = _latents(rng, size)
    flags = _characteristics(latents, thresholds())
    return {
        "person_id": np.arange(first_person_id, first_person_id + size, dtype=np.int64),
        "male": latents["male"], "region": latents["region"], "ethnicity": latents["ethnicity"],
        "birth_cohort": latents["birth_cohort"], "twin": latents["twin"], **flags,
    }
