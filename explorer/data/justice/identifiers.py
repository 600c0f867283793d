"""Identifiers of pupils and of justice records, each side with its own recording errors.

A person's true identity (given name, surname, date of birth, sex, home postcode) is drawn once;
the school record (NPD-like) and the justice record (PNC-like) each copy it with errors:
another member of the name's variant group (nickname or transliterated spelling), a
one-character typo, another surname, day and month of birth swapped, one part of the date of
birth wrong, the wrong sex, a missing postcode or a changed one (a move). Rates differ by group
(explorer.data.justice.parameters): more spelling variation for some name pools, more moves for
pupils eligible for free school meals, looked-after children and children in need. These
identifiers exist only in the build's in-memory work tables; none is published.

Postcodes are kept as integer parts (area index, district, sector, unit; area -1 = missing) and
written as text by SQL (queries/build/justice_insert_identifiers.sql).
"""

from __future__ import annotations

import string
from functools import lru_cache

import numpy as np

from explorer.data.justice import parameters as P
from explorer.data.justice.names import POOLS, given_names, surnames, variants
from explorer.data.sampling import categorical_by_row

Identity = dict[str, np.ndarray]
_LETTERS = np.array(list(string.ascii_uppercase))


@lru_cache(maxsize=1)
def postcode_areas() -> tuple[list[str], np.ndarray, list[np.ndarray]]:
    """Area codes, the region (1..9) of each, and each region's area indices."""
    codes, regions = [], []
    for region, areas in enumerate(P.POSTCODE_AREAS, start=1):
        for code in areas.split():
            codes.append(code)
            regions.append(region)
    region_of = np.array(regions)
    return codes, region_of, [np.flatnonzero(region_of == r) for r in range(1, 10)]


def _areas_in(regions: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    _, _, by_region = postcode_areas()
    counts = np.array([len(a) for a in by_region])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    flat = np.concatenate(by_region)
    pick = (uniforms * counts[regions - 1]).astype(np.int64)
    return flat[offsets[regions - 1] + pick]


def _dates(cohort: np.ndarray, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of birth, uniform within each cohort's academic year (1 Sept-31 Aug)."""
    start = np.array([np.datetime64(f"{1995 + c}-09-01") for c in range(1, 8)])
    days = (start[1:] - start[:-1]).astype(np.int64)
    dates = start[cohort - 1] + (uniforms * days[cohort - 1]).astype("timedelta64[D]")
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    return (years.astype(np.int64) + 1970, (months - years).astype(np.int64) + 1,
            (dates - months).astype(np.int64) + 1)


def _given_vocabulary(group: int):
    """Given names of group ``pool * 2 + sex - 1``."""
    pool = POOLS[group // 2]
    return given_names(pool, group % 2 + 1, *P.GIVEN_HEAD[pool])


def _surname_vocabulary(pool_index: int):
    pool = POOLS[pool_index]
    return surnames(pool, *P.SURNAME_HEAD[pool])


def _draw_names(uniforms: np.ndarray, groups: np.ndarray, vocabulary_of) -> np.ndarray:
    names = np.empty(len(uniforms), dtype=object)
    for group in np.unique(groups):
        rows = groups == group
        names[rows] = vocabulary_of(int(group)).draw(uniforms[rows])
    return names


def true_identities(rng: np.random.Generator, people: dict[str, np.ndarray]) -> Identity:
    """The true identity of each person (pupils, or children outside the cohort)."""
    size = len(people["male"])
    u = rng.random((10, size))
    pool = categorical_by_row(u[0], P.NAME_POOLS, people["ethnicity"])
    sex = np.where(people["male"], 1, 2)
    given = _draw_names(u[1], pool * 2 + sex - 1, _given_vocabulary)
    surname = _draw_names(u[2], pool, _surname_vocabulary)
    year, month, day = _dates(people["birth_cohort"], u[3])
    area = _areas_in(people["region"], u[4])
    district = (u[5] * P.DISTRICTS).astype(np.int64) + 1
    sector = (u[6] * P.SECTORS).astype(np.int64)
    unit = (u[7] * P.UNITS_PER_SECTOR).astype(np.int64)
    identity = {"pool": pool, "given": given, "surname": surname, "sex": sex, "year": year,
                "month": month, "day": day, "area": area, "district": district,
                "sector": sector, "unit": unit}
    twin = people.get("twin")
    if twin is not None and twin.any():
        second = np.flatnonzero(twin)
        first = second - 1
        for key in ("surname", "year", "month", "day", "area", "district", "sector", "unit"):
            identity[key][second] = identity[key][first]
        # Twins never share a given name: redraw the few that do (deterministically, the next name).
        same = second[identity["given"][second] == identity["given"][first]]
        identity["given"][same] = _draw_names((u[8][same] + 0.5) % 1.0,
                                              (pool * 2 + sex - 1)[same], _given_vocabulary)
    return identity


def typo(name: str, u1: float, u2: float, u3: float) -> str:
    """One-character edit: substitution, deletion, insertion or transposition, rarely at the
    first letter."""
    if len(name) < 2:
        return name + _LETTERS[int(u3 * 26)]
    position = 0 if u2 < 0.08 else 1 + int((u2 - 0.08) / 0.92 * (len(name) - 1))
    position = min(position, len(name) - 1)
    letter = _LETTERS[int(u3 * 26)]
    operation = int(u1 * 4)
    if operation == 0:
        letter = letter if letter != name[position] else _LETTERS[(int(u3 * 26) + 1) % 26]
        return name[:position] + letter + name[position + 1:]
    if operation == 1 and len(name) > 2:
        return name[:position] + name[position + 1:]
    if operation == 3 and position + 1 < len(name) and name[position] != name[position + 1]:
        return name[:position] + name[position + 1] + name[position] + name[position + 2:]
    return name[:position] + letter + name[position:]


def _apply(names: np.ndarray, rows: np.ndarray, change, u: np.ndarray) -> None:
    for row in rows:
        names[row] = change(names[row], u[0, row], u[1, row], u[2, row])


def _variant(name: str, u1: float, u2: float, u3: float) -> str:
    others = variants().get(name)
    return others[int(u1 * len(others))] if others else name


def copy_with_errors(rng: np.random.Generator, identity: Identity, rates: dict[str, np.ndarray],
                     people: dict[str, np.ndarray]) -> Identity:
    """One side's record of each identity. ``rates`` holds per-person probabilities: given_variant,
    given_typo, surname_variant, surname_typo, surname_changed, names_swapped, dob_swapped,
    dob_one_part, sex_wrong, postcode_missing, postcode_moved."""
    size = len(identity["given"])
    u = rng.random((19, size))
    edits = rng.random((3, size))
    given, surname = identity["given"].copy(), identity["surname"].copy()
    _apply(given, np.flatnonzero(u[0] < rates["given_variant"]), _variant, edits)
    _apply(given, np.flatnonzero(u[1] < rates["given_typo"]), typo, edits[::-1])
    changed = np.flatnonzero(u[2] < rates["surname_changed"])
    surname[changed] = _draw_names(u[3][changed], identity["pool"][changed], _surname_vocabulary)
    _apply(surname, np.flatnonzero(u[4] < rates["surname_variant"]), _variant, edits[[1, 2, 0]])
    _apply(surname, np.flatnonzero(u[5] < rates["surname_typo"]), typo, edits[[2, 0, 1]])
    swapped = u[18] < rates["names_swapped"]
    given[swapped], surname[swapped] = surname[swapped], given[swapped]
    year, month, day = identity["year"].copy(), identity["month"].copy(), identity["day"].copy()
    swap = (u[6] < rates["dob_swapped"]) & (day <= 12) & (day != month)
    day[swap], month[swap] = month[swap], day[swap]
    part = np.where(u[7] < rates["dob_one_part"], (u[8] * 3).astype(np.int64), -1)
    shift = 1 + (u[9] * 3).astype(np.int64)            # 1..3 days or months, or one year
    day = np.where(part == 0, (day - 1 + shift) % 28 + 1, day)
    month = np.where(part == 1, (month - 1 + shift) % 12 + 1, month)
    day = np.where(part == 1, np.minimum(day, 28), day)
    year = np.where(part == 2, year + np.where(u[9] < 0.5, -1, 1), year)
    day = np.where((month == 2) & (day == 29) & (year % 4 != 0), 28, day)  # 29 Feb 2000 +- 1 year
    sex = np.where(u[10] < rates["sex_wrong"], 3 - identity["sex"], identity["sex"])
    postcode = {key: identity[key].copy() for key in ("area", "district", "sector", "unit")}
    _move(postcode, u[11] < rates["postcode_moved"], u[12:18], people["region"])
    postcode["area"][u[11] > 1 - rates["postcode_missing"]] = -1
    return {"given": given, "surname": surname, "sex": sex, "year": year, "month": month,
            "day": day, **postcode}


def _move(postcode: dict[str, np.ndarray], moved: np.ndarray, u: np.ndarray,
          region: np.ndarray) -> None:
    """A new postcode for the movers: another unit of the same sector, or another sector of the
    same district, another district of the same area, another area of the region, or another
    region (parameters.MOVE_SCOPE)."""
    scope = np.searchsorted(np.cumsum(P.MOVE_SCOPE), u[0]).clip(0, 4)
    other_region = (region + (u[1] * 8).astype(np.int64)) % 9 + 1
    new_area = np.where(scope == 4, _areas_in(other_region, u[2]), _areas_in(region, u[2]))
    rows = moved & (scope >= 3)
    postcode["area"][rows] = new_area[rows]
    rows = moved & (scope >= 2)
    postcode["district"][rows] = (postcode["district"][rows] + (u[3][rows] * (P.DISTRICTS - 1))
                                  .astype(np.int64)) % P.DISTRICTS + 1
    rows = moved & (scope >= 1)
    postcode["sector"][rows] = (postcode["sector"][rows] + 1
                                + (u[4][rows] * (P.SECTORS - 1)).astype(np.int64)) % P.SECTORS
    postcode["unit"][moved] = (postcode["unit"][moved] + 1 + (u[5][moved] * (P.UNITS_PER_SECTOR - 1))
                               .astype(np.int64)) % P.UNITS_PER_SECTOR


def pnc_rates(people: dict[str, np.ndarray], pool: np.ndarray) -> dict[str, np.ndarray]:
    """Per-person error rates of justice records (more for some groups; parameters)."""
    looked_after = people["social_care"] == 1
    in_need = people["social_care"] == 2
    size = len(pool)
    return {
        "given_variant": P.GIVEN_VARIANT[pool], "given_typo": P.GIVEN_TYPO[pool],
        "surname_variant": P.SURNAME_VARIANT[pool], "surname_typo": P.SURNAME_TYPO[pool],
        "names_swapped": P.NAMES_SWAPPED[pool],
        "surname_changed": P.SURNAME_CHANGED["base"] + P.SURNAME_CHANGED["looked_after"] * looked_after
        + P.SURNAME_CHANGED["child_in_need"] * in_need,
        "dob_swapped": np.full(size, P.DOB_SWAPPED), "dob_one_part": np.full(size, P.DOB_ONE_PART),
        "sex_wrong": np.full(size, P.SEX_WRONG),
        "postcode_missing": P.POSTCODE_MISSING["base"] + P.POSTCODE_MISSING["looked_after"] * looked_after,
        "postcode_moved": P.POSTCODE_MOVED["base"] + P.POSTCODE_MOVED["fsm"] * people["fsm"]
        + P.POSTCODE_MOVED["looked_after"] * looked_after
        + P.POSTCODE_MOVED["child_in_need"] * in_need
        + P.POSTCODE_MOVED["london"] * (people["region"] == P.LONDON),
    }


def npd_rates(size: int) -> dict[str, np.ndarray]:
    """Per-person error rates of school records (few, the same for everyone)."""
    rate = lambda value: np.full(size, value)  # noqa: E731
    return {"given_variant": rate(P.NPD_GIVEN_VARIANT), "given_typo": rate(P.NPD_GIVEN_TYPO),
            "surname_variant": rate(0.0), "surname_typo": rate(P.NPD_SURNAME_TYPO),
            "surname_changed": rate(0.0), "names_swapped": rate(0.0), "dob_swapped": rate(0.0),
            "dob_one_part": rate(P.NPD_DOB_ONE_PART), "sex_wrong": rate(0.0),
            "postcode_missing": rate(P.NPD_POSTCODE_MISSING), "postcode_moved": rate(0.0)}
