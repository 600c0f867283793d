"""The two sides of one chunk as Arrow tables: pupil records (characteristics as catalog codes,
the school record's identifiers) and justice records (PNC-like: what the record holds, the true
pupil for the evaluation, the justice record's own identifiers).

A justice record exists for every pupil who offends (explorer.data.justice.offending) and for
children outside the cohort who offend. It holds sex and the date of birth as recorded (with
their errors), the ethnic group as recorded by an officer (sometimes another group), the region
of its address (another region after a long move; the school's region when the postcode is
missing), the birth cohort from the recorded date of birth (clamped to the six cohorts), the age
at first caution or sentence, the offence group, serious violence and custody.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from explorer.data.justice import parameters as P
from explorer.data.justice.identifiers import copy_with_errors, pnc_rates, postcode_areas

Sides = tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]
"""People (characteristics), what they did (offending), their true identities."""


def _codes(flag: np.ndarray) -> np.ndarray:
    """Catalog code of a yes/no characteristic: 1 yes, 2 no."""
    return np.where(flag, 1, 2).astype(np.uint8)


def identifier_columns(record: dict[str, np.ndarray]) -> dict[str, object]:
    """One side's identifiers as columns (postcode as parts; area -1 when missing)."""
    return {"first_name": pa.array(record["given"], pa.string()),
            "surname": pa.array(record["surname"], pa.string()),
            "birth_year": record["year"].astype(np.int32), "birth_month": record["month"].astype(np.int8),
            "birth_day": record["day"].astype(np.int8), "id_sex": record["sex"].astype(np.uint8),
            "area": record["area"].astype(np.int32), "district": record["district"].astype(np.int32),
            "sector": record["sector"].astype(np.int32), "unit_index": record["unit"].astype(np.int32)}


def pupil_table(pupils: dict[str, np.ndarray], offending: dict[str, np.ndarray],
                school: dict[str, np.ndarray], keys: np.random.Generator) -> pa.Table:
    """The pupils of a chunk with their school-record identifiers."""
    return pa.table({
        "person_id": pupils["person_id"].astype(np.int32),
        "sex": np.where(pupils["male"], 1, 2).astype(np.uint8),
        "ethnicity": pupils["ethnicity"].astype(np.uint8), "fsm": _codes(pupils["fsm"]),
        "sen": pupils["sen"].astype(np.uint8), "persistent_absence": _codes(pupils["absent"]),
        "suspension": _codes(pupils["suspended"]), "permanent_exclusion": _codes(pupils["excluded"]),
        "alternative_provision": _codes(pupils["ap"]),
        "social_care": pupils["social_care"].astype(np.uint8),
        "ks4_attainment": pupils["attainment"].astype(np.uint8),
        "region": pupils["region"].astype(np.uint8),
        "birth_cohort": pupils["birth_cohort"].astype(np.uint8),
        "record_key": keys.integers(0, 256, len(pupils["person_id"])).astype(np.uint8),
        "has_justice_record": offending["offends"].astype(np.uint8), **identifier_columns(school)})


def justice_table(rng: np.random.Generator, keys: np.random.Generator, first_record: int,
                  inside: Sides, outside: Sides) -> pa.Table:
    """Justice records of the offenders among ``inside`` (pupils of the chunk) and ``outside``
    (children with no pupil record), identifiers copied with the justice side's errors."""
    chosen = [np.flatnonzero(side[1]["offends"]) for side in (inside, outside)]

    def both(part: int) -> dict[str, np.ndarray]:
        return {key: np.concatenate([inside[part][key][chosen[0]], outside[part][key][chosen[1]]])
                for key in inside[part]}

    people, acts, true = both(0), both(1), both(2)
    record = copy_with_errors(rng, true, pnc_rates(people, true["pool"]), people)
    count = len(people["male"])
    u = keys.random((2, count))
    recorded = np.where(u[0] < P.ETHNICITY_RECORDED_OTHER[people["ethnicity"]],
                        _recorded_instead(u[1], people["ethnicity"]), people["ethnicity"])
    _, region_of, _ = postcode_areas()
    region = np.where(record["area"] >= 0, region_of[np.maximum(record["area"], 0)], people["region"])
    academic_year = record["year"] - (record["month"] < 9)
    true_person = np.concatenate([inside[0]["person_id"][chosen[0]],
                                  np.zeros(len(chosen[1]), np.int64)])
    return pa.table({
        "record_order": (first_record + np.arange(count)).astype(np.int64),
        "sort_key": keys.integers(0, 2 ** 63, count, dtype=np.int64).astype(np.uint64),
        "true_person_id": pa.array(true_person.astype(np.int32), mask=true_person == 0),
        "sex": record["sex"].astype(np.uint8), "ethnicity": recorded.astype(np.uint8),
        "region": region.astype(np.uint8),
        "birth_cohort": np.clip(academic_year - 1995, 1, 6).astype(np.uint8),
        "age_first_offence": acts["age_first_offence"].astype(np.uint8),
        "offence_group": acts["offence_group"].astype(np.uint8),
        "serious_violence": acts["serious_violence"].astype(np.uint8),
        "custody": acts["custody"].astype(np.uint8),
        "record_key": keys.integers(0, 256, count).astype(np.uint8), **identifier_columns(record)})


def _recorded_instead(uniforms: np.ndarray, ethnicity: np.ndarray) -> np.ndarray:
    """Another ethnic group, drawn from parameters.ETHNICITY_RECORDED_INSTEAD."""
    cumulative = np.cumsum(P.ETHNICITY_RECORDED_INSTEAD, axis=1)[ethnicity]
    return np.minimum((uniforms[:, None] > cumulative).sum(axis=1), 5)
