"""Who is cautioned or sentenced at ages 10 to 17, and for serious violence: logistic models whose
coefficients are solved by raking so that the profiles of those with each outcome match the
published ones (parameters.PROFILE_TARGETS), as the product sees them through the linkage.

Any offence: logit P = b0 + sum of one coefficient per level of each profiled characteristic
(sex, FSM, SEN, absence, suspension, exclusion, AP, social care, attainment, ethnic group) + fixed
log odds by birth cohort and region. Serious violence, among those cautioned or sentenced: a
second model of the same form. The coefficients are raked, one characteristic at a time (a
Newton step on each of its levels' coefficients towards the target count), repeated until every
margin is within 1e-9 of its target, on the fixed calibration sample of pupils
(explorer.data.justice.pupils), weighting each pupil by the expected recall of the linkage for
their group (parameters.EXPECTED_RECALL_*): the product shows only linked records, so the shown
shares are what must match the published ones. Solved once per process (about a
second) and identical for every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from explorer.data.justice import parameters as P
from explorer.data.justice.pupils import generate_pupils

# Characteristic -> (number of levels, level index 0.. of a pupil's value)
_LEVELS = {
    "male": (2, lambda p: (~p["male"]).astype(np.int64)),
    "fsm": (2, lambda p: (~p["fsm"]).astype(np.int64)),
    "sen": (3, lambda p: p["sen"] - 1),
    "absent": (2, lambda p: (~p["absent"]).astype(np.int64)),
    "suspended": (2, lambda p: (~p["suspended"]).astype(np.int64)),
    "excluded": (2, lambda p: (~p["excluded"]).astype(np.int64)),
    "ap": (2, lambda p: (~p["ap"]).astype(np.int64)),
    "social_care": (3, lambda p: p["social_care"] - 1),
    "attainment": (4, lambda p: p["attainment"] - 1),
    # ethnic codes 1..5, then 0 (unclassified) last
    "ethnicity": (6, lambda p: (p["ethnicity"] + 5) % 6),
}
RAKING_TOLERANCE = 1e-9
RAKING_MAX_ITERATIONS = 2_000


@dataclass(frozen=True)
class OffendingModel:
    """Solved coefficients: per characteristic, one log-odds term per level."""

    intercept: float
    terms: dict[str, np.ndarray]
    sv_intercept: float
    sv_terms: dict[str, np.ndarray]


def level_indices(pupils: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each profiled characteristic's level index (0-based) for every pupil."""
    return {name: index(pupils) for name, (_, index) in _LEVELS.items()}


def _offsets(pupils: dict[str, np.ndarray]) -> np.ndarray:
    return (np.log(P.COHORT_ODDS)[pupils["birth_cohort"] - 1]
            + np.log(P.REGION_ODDS)[pupils["region"] - 1])


def expected_recall(pupils: dict[str, np.ndarray]) -> np.ndarray:
    """The linkage's expected recall for each pupil's group (parameters.EXPECTED_RECALL)."""
    pool = P.EXPECTED_RECALL_ETHNICITY[pupils["ethnicity"]]
    return (pool * np.where(pupils["fsm"], P.EXPECTED_RECALL_FSM, 1.0)
            * P.EXPECTED_RECALL_SOCIAL_CARE[pupils["social_care"] - 1])


def _targets(which: int) -> dict[str, np.ndarray]:
    """Target shares of every level (the last level takes what the listed ones leave)."""
    found = {}
    for name, shares in P.PROFILE_TARGETS.items():
        listed = np.asarray(shares[which], dtype=float)
        found[name] = np.append(listed, 1.0 - listed.sum())
    return found


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


def _rake(levels: dict[str, np.ndarray], weights: np.ndarray, base: np.ndarray,
          offsets: np.ndarray, total: float, targets: dict[str, np.ndarray]) -> tuple[float, dict]:
    """Coefficients such that sum(weights * base * sigmoid(linear)) over each level of each
    characteristic equals total * target share. ``weights`` are cell sizes times expected recall,
    ``base`` the probability of the outcome this model is conditional on (1 for any offence)."""
    terms = {name: np.zeros(len(targets[name])) for name in levels}
    intercept = float(np.log(total / weights.sum() / (1 - total / weights.sum())))
    for _ in range(RAKING_MAX_ITERATIONS):
        worst = 0.0
        for name, index in levels.items():
            linear = intercept + offsets + sum(terms[k][levels[k]] for k in levels)
            probability = _sigmoid(linear)
            expected = np.bincount(index, weights * base * probability, minlength=len(terms[name]))
            slope = np.bincount(index, weights * base * probability * (1 - probability),
                                minlength=len(terms[name]))
            wanted = total * targets[name]
            worst = max(worst, float(np.max(np.abs(expected - wanted)) / total))
            # Newton step on each level's coefficient (d expected / d coefficient = slope)
            terms[name] += np.clip((wanted - expected) / np.maximum(slope, 1e-12), -2.0, 2.0)
        if worst < RAKING_TOLERANCE:
            break
    else:  # pragma: no cover - the published targets are consistent; a bad edit shows here
        raise RuntimeError(f"offending model raking did not converge (worst error {worst:.2e})")
    return intercept, terms


@lru_cache(maxsize=1)
def offending_model() -> OffendingModel:
    """The coefficients, raked on the fixed calibration sample."""
    sample = generate_pupils(np.random.default_rng([P.CALIBRATION_SEED, 2]), 1,
                             P.CALIBRATION_PUPILS)
    levels = level_indices(sample)
    # Group identical pupils into cells: raking then runs over thousands of cells, not 400,000.
    key = np.zeros(len(sample["person_id"]), dtype=np.int64)
    for name, (count, _) in _LEVELS.items():
        key = key * count + levels[name]
    key = (key * 6 + sample["birth_cohort"] - 1) * 9 + sample["region"] - 1
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True,
                                          return_counts=True)
    recall = np.bincount(inverse, expected_recall(sample)) / counts
    cells = {name: index[first] for name, index in levels.items()}
    offsets = _offsets(sample)[first]
    size = float(len(key))
    weights = counts * recall
    intercept, terms = _rake(cells, weights, np.ones(len(first)), offsets,
                             P.CAUTIONED_RATE * size, _targets(0))
    offend = _sigmoid(intercept + offsets + sum(terms[k][cells[k]] for k in cells))
    sv_intercept, sv_terms = _rake(cells, weights, offend, np.zeros(len(first)),
                                   P.SERIOUS_VIOLENCE_RATE * size, _targets(1))
    return OffendingModel(intercept, terms, sv_intercept, sv_terms)


def simulate_offending(rng: np.random.Generator, pupils: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """For every pupil: offends (cautioned or sentenced at 10-17), serious_violence, custody,
    age_first_offence (10..17, 0 if none), offence_group (1..6, 0 if none)."""
    model = offending_model()
    levels = level_indices(pupils)
    size = len(pupils["person_id"])
    uniforms = rng.random((5, size))
    offend = uniforms[0] < _sigmoid(model.intercept + _offsets(pupils)
                                    + sum(model.terms[k][levels[k]] for k in levels))
    violent = offend & (uniforms[1] < _sigmoid(model.sv_intercept
                                               + sum(model.sv_terms[k][levels[k]] for k in levels)))
    custody_odds = (P.CUSTODY_LOG_ODDS["base"] + P.CUSTODY_LOG_ODDS["serious_violence"] * violent
                    + P.CUSTODY_LOG_ODDS["looked_after"] * (pupils["social_care"] == 1)
                    + P.CUSTODY_LOG_ODDS["male"] * pupils["male"])
    custody = offend & (uniforms[2] < _sigmoid(custody_odds))
    age = P.FIRST_OFFENCE_AGES[np.searchsorted(np.cumsum(P.FIRST_OFFENCE_AGE_SHARES), uniforms[3])
                               .clip(0, len(P.FIRST_OFFENCE_AGES) - 1)]
    first_violence = violent & (uniforms[4] < P.SERIOUS_VIOLENCE_FIRST)
    group = np.where(first_violence, 1,
                     np.searchsorted(np.cumsum(P.OFFENCE_GROUP_SHARES),
                                     (uniforms[4] - P.SERIOUS_VIOLENCE_FIRST * violent)
                                     / np.where(violent, 1 - P.SERIOUS_VIOLENCE_FIRST, 1.0))
                     .clip(0, 5) + 1)
    return {"offends": offend, "serious_violence": violent, "custody": custody,
            "age_first_offence": np.where(offend, age, 0),
            "offence_group": np.where(offend, group, 0)}
