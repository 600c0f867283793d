"""Linkage of census records to the NHS register: who is followed up, and how they were matched.

About 95% of census records were linked [LINK]; the rate is lower for ages 20-29, men, some
minority ethnic groups and London (direction of the Census 2021 PDS linkage). Numbers are in
explorer.data.parameters.
"""

from __future__ import annotations

import numpy as np

from explorer.data import parameters as P

MATCH_NHS_NUMBER, MATCH_KEY, NOT_LINKED = 1, 2, 3


def link_probability(persons: dict[str, np.ndarray]) -> np.ndarray:
    """Probability that each person's census record links to the NHS register."""
    ages = persons["age_at_census"].astype(np.int64)
    prob = np.full(len(ages), P.LINK_BASE)
    prob -= np.where((ages >= 20) & (ages <= 29), P.LINK_PENALTY_AGE_20_29, 0.0)
    prob -= np.where(persons["sex"] == 1, P.LINK_PENALTY_MALE, 0.0)
    prob -= np.where(persons["region"] == P.LONDON, P.LINK_PENALTY_LONDON, 0.0)
    prob -= np.where(persons["tenure"] == 5, P.LINK_PENALTY_COMMUNAL, 0.0)
    penalty = np.zeros(19)
    for code, value in P.LINK_PENALTY_ETHNIC_DETAILED.items():
        penalty[code] = value
    prob -= penalty[persons["ethnicity_detailed"]]
    return np.clip(prob, 0.5, 0.999)


def generate_linkage(rng: np.random.Generator, persons: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns person_id, match_status, match_probability, linked."""
    count = len(persons["person_id"])
    uniforms = rng.random((3, count))
    linked = uniforms[0] < link_probability(persons)
    by_key = uniforms[1] < P.LINK_SHARE_BY_MATCH_KEY
    match_status = np.where(linked, np.where(by_key, MATCH_KEY, MATCH_NHS_NUMBER), NOT_LINKED)
    # Accepted NHS-number matches are near-certain; match-key matches slightly less so; the best
    # rejected candidate of an unlinked record has a low posterior [ASSUMED].
    match_probability = np.where(
        match_status == MATCH_NHS_NUMBER, 0.98 + 0.02 * uniforms[2],
        np.where(match_status == MATCH_KEY, 0.90 + 0.099 * uniforms[2], 0.05 + 0.80 * uniforms[2] ** 2),
    )
    return {
        "person_id": persons["person_id"],
        "match_status": match_status.astype(np.uint8),
        "match_probability": np.round(match_probability, 6),
        "linked": linked,
    }
