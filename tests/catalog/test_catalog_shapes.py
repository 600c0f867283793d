"""Two shapes of dataset, described by catalog YAML alone (dataset.shape): person_time (the
default, today's census_mortality) and person_level (a cohort with outcome flags, the test-only
catalog tests/fixtures/catalogs/pupil_cohort.yaml). Each rule that ties a catalog's keys to its
shape fails with a one-line CatalogError naming the key path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from explorer.catalog import load_catalog_file
from explorer.catalog.shapes import PERSON_LEVEL, PERSON_TIME, SHAPE_MEASURES
from test_catalog import _assert_catalog_error, _real_document, _set

pytestmark = pytest.mark.unit

PUPIL_CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "catalogs" / "pupil_cohort.yaml"


def _pupil_document() -> dict[str, Any]:
    return yaml.safe_load(PUPIL_CATALOG.read_text(encoding="utf-8"))


def _write(tmp_path: Path, document: dict[str, Any], mutate: Callable[[dict[str, Any]], Any],
           name: str) -> Path:
    mutate(document)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --- the two shapes load ------------------------------------------------------------------

def test_a_catalog_without_a_shape_is_person_time(census_catalog) -> None:
    assert "shape" not in _real_document()["dataset"]
    assert census_catalog.shape == PERSON_TIME and not census_catalog.is_person_level
    assert census_catalog.standard_population is not None
    assert census_catalog.cohort.exposure is not None
    assert census_catalog.build_defaults is not None
    assert census_catalog.to_dict()["dataset"]["shape"] == PERSON_TIME


def test_the_person_level_catalog_loads_with_its_defaults(pupil_catalog) -> None:
    catalog = pupil_catalog
    assert catalog.shape == PERSON_LEVEL and catalog.is_person_level
    assert catalog.standard_population is None
    assert catalog.build_defaults is None
    cohort = catalog.cohort
    assert (cohort.persons_table, cohort.cohort_filter_column) == ("pupils", "in_cohort")
    assert cohort.exposure is None and cohort.exit_year_column is None
    outcome = catalog.outcome("cautioned_or_sentenced")
    assert (outcome.denominator, outcome.unit, outcome.multiplier) == ("persons", "% of pupils", 100)
    assert (outcome.icd10, outcome.min_age, outcome.first_year) == (None, 0, catalog.follow_up.first_year)
    assert catalog.structural_zeros == ()
    assert catalog.follow_up.periods == ()
    assert catalog.explore_default.measure in SHAPE_MEASURES[PERSON_LEVEL]
    assert {view.measure for view in catalog.public_views} == {"proportion"}
    assert all(d.table == "pupils" for d in catalog.dimensions.values())


def test_the_person_level_catalog_round_trips_through_json(pupil_catalog) -> None:
    data = pupil_catalog.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["dataset"]["shape"] == PERSON_LEVEL
    assert "build" not in data["dataset"] and "standard_population" not in data
    assert "exposure" not in data["cohort"] and "exit_year_column" not in data["cohort"]


def test_the_person_level_catalog_has_no_standardisation_dimension(pupil_catalog) -> None:
    from explorer.errors import QueryError

    with pytest.raises(QueryError, match="no standard population"):
        pupil_catalog.standardisation_dimension
    with pytest.raises(QueryError, match="no calendar year"):
        pupil_catalog.cohort.year_column


def test_a_person_time_catalog_without_build_loads(tmp_path: Path) -> None:
    """dataset.build is optional: an ingested dataset has none (build-data then refuses it,
    tests/cli/test_person_level_cli.py)."""
    path = _write(tmp_path, _real_document(), lambda d: d["dataset"].pop("build"), "no_build.yaml")
    assert load_catalog_file(path).build_defaults is None


# --- rules of a person_level catalog ------------------------------------------------------

def _add_schools_table(document: dict[str, Any]) -> None:
    document["tables"]["schools"] = {"description": "Schools", "key": "school_id", "columns": {
        "school_id": {"type": "INTEGER", "description": "School"},
        "region": {"type": "UTINYINT", "description": "Region of the school"}}}
    document["dimensions"]["region"]["table"] = "schools"


PERSON_LEVEL_CASES = {
    "unknown shape": (
        lambda d: _set(d, ["dataset", "shape"], "person_months"),
        "dataset.shape", "'person_months' is not one of: person_time, person_level"),
    "periods in a person-level follow-up": (
        lambda d: _set(d, ["dataset", "follow_up", "periods"], [{"first": 2012, "last": 2015}]),
        "dataset.follow_up.periods", "no periods"),
    "exit year in a person-level cohort": (
        lambda d: _set(d, ["cohort", "exit_year_column"], "sen"),
        "cohort.exit_year_column", "a person_level dataset has no person-time"),
    "exit age band in a person-level cohort": (
        lambda d: _set(d, ["cohort", "exit_age_group_column"], "sen"),
        "cohort.exit_age_group_column", "a person_level dataset has no person-time"),
    "exposure index in a person-level cohort": (
        lambda d: _set(d, ["cohort", "exposure"], _real_document()["cohort"]["exposure"]),
        "cohort.exposure", "a person_level dataset has no person-time"),
    "standard population in a person-level catalog": (
        lambda d: _set(d, ["standard_population"], _real_document()["standard_population"]),
        "standard_population", "has no age-standardised rates"),
    "person-years denominator in a person-level catalog": (
        lambda d: _set(d, ["outcomes", "permanent_exclusion", "denominator"], "person_years"),
        "outcomes.permanent_exclusion.denominator",
        "'person_years' does not fit a person_level dataset"),
    "minimum age on a person-level outcome": (
        lambda d: _set(d, ["outcomes", "cautioned_or_sentenced", "min_age"], 10),
        "outcomes.cautioned_or_sentenced.min_age", "min_age can only be 0"),
    "first year on a person-level outcome": (
        lambda d: _set(d, ["outcomes", "cautioned_or_sentenced", "first_year"], 2015),
        "outcomes.cautioned_or_sentenced.first_year", "first_year can only be 2012"),
    "dimension outside the persons table": (
        _add_schools_table,
        "dimensions.region.table", "must be a column of table 'pupils'"),
    "opening view with a person-time measure": (
        lambda d: _set(d, ["dataset", "explore", "measure"], "asmr"),
        "dataset.explore.measure", "measure 'asmr' does not fit: this dataset's outcomes are "
                                   "shares of people"),
    "public view with a rate": (
        lambda d: _set(d, ["public_views", 0, "measure"], "crude_rate"),
        "public_views[0].measure", "a public view of it shows proportion"),
    "public view with a period": (
        lambda d: _set(d, ["public_views", 0, "period"], {"first": 2012, "last": 2015}),
        "public_views[0].period", "cover the whole follow-up window"),
    "person-level outcome without a unit": (
        lambda d: d["outcomes"]["cautioned_or_sentenced"].pop("unit"),
        "outcomes.cautioned_or_sentenced.unit", "required key is missing"),
}


@pytest.mark.parametrize("case", list(PERSON_LEVEL_CASES))
def test_malformed_person_level_catalog_is_reported_clearly(tmp_path: Path, case: str) -> None:
    mutate, key_path, phrase = PERSON_LEVEL_CASES[case]
    path = _write(tmp_path, _pupil_document(), mutate, "pupil_variant.yaml")
    _assert_catalog_error(path, key_path, phrase)


# --- rules of a person_time catalog -------------------------------------------------------

PERSON_TIME_CASES = {
    "person-time cohort without an exit year": (
        lambda d: d["cohort"].pop("exit_year_column"),
        "cohort.exit_year_column", "required key is missing for a person_time dataset"),
    "person-time cohort without an exit age band": (
        lambda d: d["cohort"].pop("exit_age_group_column"),
        "cohort.exit_age_group_column", "required key is missing for a person_time dataset"),
    "person-time cohort without an exposure index": (
        lambda d: d["cohort"].pop("exposure"),
        "cohort.exposure", "required key is missing for a person_time dataset"),
    "person-time catalog without a standard population": (
        lambda d: d.pop("standard_population"),
        "standard_population", "required key is missing for a person_time dataset"),
    "person-time outcome without ICD-10 codes": (
        lambda d: d["outcomes"]["suicide"].pop("icd10"),
        "outcomes.suicide.icd10", "required key is missing for a person_time dataset"),
    "person-time outcome without a minimum age": (
        lambda d: d["outcomes"]["suicide"].pop("min_age"),
        "outcomes.suicide.min_age", "required key is missing for a person_time dataset"),
    "person-time outcome without a first year": (
        lambda d: d["outcomes"]["covid19"].pop("first_year"),
        "outcomes.covid19.first_year", "required key is missing for a person_time dataset"),
    "people as the denominator of a person-time outcome": (
        lambda d: _set(d, ["outcomes", "cancer", "denominator"], "persons"),
        "outcomes.cancer.denominator", "'persons' does not fit a person_time dataset"),
    "unknown denominator": (
        lambda d: _set(d, ["outcomes", "cancer", "denominator"], "households"),
        "outcomes.cancer.denominator", "'households' is not one of: person_years, persons"),
    "opening view with a person-level measure": (
        lambda d: _set(d, ["dataset", "explore", "measure"], "proportion_ratio"),
        "dataset.explore.measure", "measure 'proportion_ratio' does not fit"),
    "public view with a proportion": (
        lambda d: _set(d, ["public_views", 0, "measure"], "proportion"),
        "public_views[0].measure", "a public view of it shows asmr or crude_rate"),
    "explicit person_time shape with a person-level cohort": (
        lambda d: (_set(d, ["dataset", "shape"], "person_time"), d["cohort"].pop("exposure")),
        "cohort.exposure", "required key is missing for a person_time dataset"),
}


@pytest.mark.parametrize("case", list(PERSON_TIME_CASES))
def test_malformed_person_time_catalog_is_reported_clearly(tmp_path: Path, case: str) -> None:
    mutate, key_path, phrase = PERSON_TIME_CASES[case]
    path = _write(tmp_path, _real_document(), mutate, "census_variant.yaml")
    _assert_catalog_error(path, key_path, phrase)
