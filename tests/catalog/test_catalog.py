"""The catalog loader: the real catalog loads; malformed files fail with clear messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from explorer.catalog import Catalog, available_datasets, load_catalog, load_catalog_file
from explorer.errors import CatalogError, QueryError
from explorer.paths import catalog_dir

pytestmark = pytest.mark.unit

PROJECT = Path(__file__).resolve().parents[2]
EXPECTED_DIMENSIONS = [
    "sex", "age_group", "ethnicity", "ethnicity_detailed", "religion", "religion_grouped",
    "disability", "disability_grouped", "partnership", "nssec", "qualification",
    "economic_activity", "tenure", "region", "region_grouped", "deprivation_quintile",
    "armed_forces",
]
EXPECTED_OUTCOMES = ["all_cause", "suicide", "covid19", "circulatory", "cancer"]


# --- the real catalog --------------------------------------------------------------------

def test_real_catalog_loads(census_catalog: Catalog) -> None:
    assert census_catalog.code == "census_mortality"
    assert list(census_catalog.dimensions) == EXPECTED_DIMENSIONS
    assert list(census_catalog.outcomes) == EXPECTED_OUTCOMES
    assert census_catalog.build_defaults.persons > 0
    assert "census_mortality" in available_datasets()


def test_to_dict_round_trips_through_json(census_catalog: Catalog) -> None:
    data = census_catalog.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data["dimensions"]) == EXPECTED_DIMENSIONS


def test_esp_weights_sum_to_100000(census_catalog: Catalog) -> None:
    population = census_catalog.standard_population
    assert population.dimension == "age_group"
    assert population.total == 100000
    assert list(population.weights) == list(census_catalog.dimension("age_group").keys)


def test_dimension_resolve_accepts_key_label_and_code(census_catalog: Catalog) -> None:
    sex = census_catalog.dimension("sex")
    assert sex.resolve("male").code == 1
    assert sex.resolve("FEMALE").key == "female"
    assert sex.resolve(2).key == "female"
    with pytest.raises(QueryError, match=r"unknown value 'nobody' for dimension 'sex'.*male, female"):
        sex.resolve("nobody")
    with pytest.raises(QueryError):
        sex.resolve(True)


def test_unknown_dimension_and_outcome_list_valid_codes(census_catalog: Catalog) -> None:
    with pytest.raises(QueryError, match=r"unknown dimension 'foo'; choose from: sex, age_group"):
        census_catalog.dimension("foo")
    with pytest.raises(QueryError, match=r"unknown outcome 'foo'; choose from: all_cause"):
        census_catalog.outcome("foo")


def test_hierarchies_cover_their_categories(census_catalog: Catalog) -> None:
    detailed = census_catalog.dimension("ethnicity_detailed")
    assert detailed.hierarchy is not None
    assert detailed.hierarchy.parent_dimension == "ethnicity"
    assert detailed.hierarchy.parent_of("indian").key == "asian"
    region = census_catalog.dimension("region").hierarchy
    assert region is not None and region.parent_of("wales").label == "Wales"


def test_unknown_dataset_names_the_available_ones() -> None:
    with pytest.raises(CatalogError, match=r"unknown dataset 'nope'; available datasets: .*census_mortality"):
        load_catalog("nope")
    with pytest.raises(CatalogError, match="unknown dataset"):
        load_catalog("../data_catalog/census_mortality")


# --- malformed files ---------------------------------------------------------------------

def _real_document() -> dict[str, Any]:
    return yaml.safe_load((catalog_dir() / "census_mortality.yaml").read_text(encoding="utf-8"))


def _write_variant(tmp_path: Path, mutate: Callable[[dict[str, Any]], None],
                   name: str = "variant_catalog.yaml") -> Path:
    document = _real_document()
    mutate(document)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _assert_catalog_error(path: Path, key_path: str, phrase: str) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog_file(path)
    message = str(caught.value)
    assert path.name in message
    assert key_path in message
    assert phrase in message
    assert "\n" not in message
    return message


def _set(document: dict[str, Any], path: list[Any], value: Any) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\ndataset:\n  code: [unclosed\n  title: x\n", encoding="utf-8")
    message = _assert_catalog_error(path, "line", "YAML syntax error")
    assert "line 4" in message or "line 3" in message


def test_duplicate_yaml_key_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "duplicate.yaml"
    path.write_text("schema_version: 1\nschema_version: 2\n", encoding="utf-8")
    _assert_catalog_error(path, "line 2", "duplicate key 'schema_version'")


MALFORMED_CASES = {
    "missing required key": (
        lambda d: d["dimensions"]["sex"].pop("label"),
        "dimensions.sex.label", "required key is missing"),
    "category code as string": (
        lambda d: _set(d, ["dimensions", "sex", "categories", 1, "code"], "2"),
        "dimensions.sex.categories[1].code", "wrong type: expected integer"),
    "unknown extra key (typo)": (
        lambda d: d["dimensions"]["religion"].update(lable="Religion"),
        "dimensions.religion.lable", "unknown key 'lable'"),
    "duplicate category code": (
        lambda d: _set(d, ["dimensions", "sex", "categories", 1, "code"], 1),
        "dimensions.sex.categories[1].code", "duplicate category code 1"),
    "duplicate category key": (
        lambda d: _set(d, ["dimensions", "tenure", "categories", 2, "key"], "owned_outright"),
        "dimensions.tenure.categories[2].key", "duplicate category key 'owned_outright'"),
    "reference not a category": (
        lambda d: _set(d, ["dimensions", "sex", "reference"], "unknown_sex"),
        "dimensions.sex.reference", "is not a category key"),
    "reference is residual": (
        lambda d: _set(d, ["dimensions", "religion", "reference"], "not_stated"),
        "dimensions.religion.reference", "is a residual category"),
    "dimension column not in its table": (
        lambda d: _set(d, ["dimensions", "religion", "column"], "faith"),
        "dimensions.religion.column", "column 'faith' is not a column of table 'persons'"),
    "dimension table not declared": (
        lambda d: _set(d, ["dimensions", "religion", "table"], "people"),
        "dimensions.religion.table", "table 'people' is not declared"),
    "outcome event column missing": (
        lambda d: _set(d, ["outcomes", "suicide", "event_column"], "died_by_suicide"),
        "outcomes.suicide.event_column", "column 'died_by_suicide' is not a column of table 'persons'"),
    "hierarchy child unknown": (
        lambda d: d["dimensions"]["ethnicity_detailed"]["hierarchy"]["children"]["asian"].append("martian"),
        "dimensions.ethnicity_detailed.hierarchy.children.asian[5]", "child 'martian' is not a category key"),
    "hierarchy child listed twice": (
        lambda d: d["dimensions"]["region"]["hierarchy"]["groups"]["wales"]["children"].append("london"),
        "dimensions.region.hierarchy.groups.wales.children[1]", "listed more than once"),
    "hierarchy misses a category": (
        lambda d: d["dimensions"]["region"]["hierarchy"]["groups"]["england"]["children"].remove("london"),
        "dimensions.region.hierarchy", "not placed under any parent: london"),
    "hierarchy parent keys do not match": (
        lambda d: d["dimensions"]["ethnicity_detailed"]["hierarchy"]["children"].pop("other"),
        "dimensions.ethnicity_detailed.hierarchy.children", "missing ['other']"),
    "weights not covering categories": (
        lambda d: d["standard_population"]["weights"].pop("age_90_plus"),
        "standard_population.weights", "missing ['age_90_plus']"),
    "standard population dimension unknown": (
        lambda d: _set(d, ["standard_population", "dimension"], "age_band"),
        "standard_population.dimension", "dimension 'age_band' is not declared"),
    "category key with a space": (
        lambda d: _set(d, ["dimensions", "sex", "categories", 0, "key"], "the male"),
        "dimensions.sex.categories[0].key", "is not a valid identifier"),
    "dimension code with a quote": (
        lambda d: d["dimensions"].update({'sex"; DROP TABLE persons; --': d["dimensions"]["sex"]}),
        "dimensions", "is not a valid identifier"),
    "column name with a space": (
        lambda d: d["tables"]["persons"]["columns"].update({"home region": {"type": "UTINYINT",
                                                                            "description": "x"}}),
        "tables.persons.columns['home region']", "is not a valid identifier"),
    "unknown column type": (
        lambda d: _set(d, ["tables", "persons", "columns", "sex", "type"], "TINYTEXT"),
        "tables.persons.columns.sex.type", "'TINYTEXT' is not one of"),
    "unknown sdc policy": (
        lambda d: d["sdc"]["policies"].update(press="press"),
        "sdc.policies", "'press' is not one of: public, official, statistician"),
    "exposure column missing from persons": (
        lambda d: d["tables"]["persons"]["columns"].pop("days_to_next_band"),
        "cohort.exposure.next_band_column",
        "column 'days_to_next_band' is not a column of table 'persons'"),
    "exposure terms table not declared": (
        lambda d: _set(d, ["cohort", "exposure", "terms_table"], "terms"),
        "cohort.exposure.terms_table", "table 'terms' is not declared"),
    "cohort table not declared": (
        lambda d: _set(d, ["cohort", "persons_table"], "people"),
        "cohort.persons_table", "table 'people' is not declared"),
    "dimension in a table that is neither persons nor the age band": (
        lambda d: (_set(d, ["dimensions", "religion", "table"], "deaths"),
                   _set(d, ["dimensions", "religion", "column"], "cause_group")),
        "dimensions.religion", "must be a column of table 'persons' or the attained age band"),
    "explore default names an unknown outcome": (
        lambda d: _set(d, ["dataset", "explore", "outcome"], "ebola"),
        "dataset.explore.outcome", "outcome 'ebola' is not declared"),
    "explore default names an unknown dimension": (
        lambda d: _set(d, ["dataset", "explore", "by"], ["sex", "shoe_size"]),
        "dataset.explore.by[1]", "dimension 'shoe_size' is not declared"),
    "adjustment dimension unknown": (
        lambda d: _set(d, ["standard_population", "adjust_also_for"], "gender"),
        "standard_population.adjust_also_for", "dimension 'gender' is not declared"),
    "denominator other than person-years": (
        lambda d: _set(d, ["outcomes", "suicide", "denominator"], "persons"),
        "outcomes.suicide.denominator", "'persons' does not fit a person_time dataset"),
    "structural zeros listed by hand": (
        lambda d: _set(d, ["sdc", "structural_zeros"], [{"outcome": "covid19", "rule": "x"}]),
        "sdc", "structural_zeros"),
    "ordered dimension without direction": (
        lambda d: d["dimensions"]["nssec"].pop("order_direction"),
        "dimensions.nssec.order_direction", "required key is missing for an ordered dimension"),
}


@pytest.mark.parametrize("case", list(MALFORMED_CASES))
def test_malformed_catalog_is_reported_clearly(tmp_path: Path, case: str) -> None:
    mutate, key_path, phrase = MALFORMED_CASES[case]
    path = _write_variant(tmp_path, mutate)
    _assert_catalog_error(path, key_path, phrase)


def test_unquoted_comma_in_flow_mapping_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "comma.yaml"
    text = (catalog_dir() / "census_mortality.yaml").read_text(encoding="utf-8")
    text = text.replace("{type: UTINYINT, description: Sex (dimension sex)}",
                        "{type: UTINYINT, description: Sex, as recorded}")
    path.write_text(text, encoding="utf-8")
    _assert_catalog_error(path, "tables.persons.columns.sex", "quote the value")


def test_file_name_must_match_dataset_code(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data_catalog").mkdir()
    _write_variant(tmp_path / "data_catalog", lambda d: None, name="other_name.yaml")
    monkeypatch.setenv("EXPLORER_ROOT", str(tmp_path))
    assert available_datasets() == ["other_name"]
    with pytest.raises(CatalogError, match=r"other_name.yaml: dataset.code: 'census_mortality' does not match"):
        load_catalog("other_name")


# --- the CLI -----------------------------------------------------------------------------

def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))


def test_cli_prints_catalog_json() -> None:
    result = _run_cli("catalog", "--dataset", "census_mortality")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["dimensions"]) == EXPECTED_DIMENSIONS
    assert list(data["outcomes"]) == EXPECTED_OUTCOMES


def test_cli_unknown_dataset_exits_2_with_one_line() -> None:
    result = _run_cli("catalog", "--dataset", "no_such_dataset")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "unknown dataset 'no_such_dataset'" in result.stderr
    assert "census_mortality" in result.stderr
    assert result.stdout == ""


def test_structural_zeros_follow_from_each_outcomes_rules(census_catalog) -> None:
    """The catalog does not list structural zeros by hand: they are the rules the code applies,
    an outcome's minimum age and first year."""
    zeros = {(zero.outcome, zero.rule) for zero in census_catalog.structural_zeros}
    assert ("suicide", "age groups under 10") in zeros
    assert ("covid19", "years before 2020") in zeros
    assert not any(outcome == "all_cause" for outcome, _ in zeros)
