"""The catalog's optional linkage sections (dataset.linkage.evaluation, .bias, .model) and the
child-wording rule for public views of outcomes about children (issue 15): the justice-education
catalog loads with them, a catalog without them loads unchanged, and each rule fails with a
one-line CatalogError naming the key path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from explorer.catalog import load_catalog, load_catalog_file
from explorer.catalog.child_wording import child_wording_problems
from catalog_variants import catalog_document, catalog_variant
from test_catalog import _assert_catalog_error, _set

pytestmark = pytest.mark.unit


def _justice_document() -> dict[str, Any]:
    return catalog_document("justice_education")


def _write(tmp_path: Path, mutate: Callable[[dict[str, Any]], Any]) -> Path:
    return catalog_variant(tmp_path, "justice_education", mutate)


def test_the_justice_education_catalog_loads_with_its_linkage_sections() -> None:
    catalog = load_catalog("justice_education")
    linkage = catalog.linkage
    assert catalog.is_person_level
    assert linkage.evaluation.by == ("sex", "ethnicity", "fsm", "region")
    assert (linkage.evaluation.true_match_column, linkage.evaluation.linked_column,
            linkage.evaluation.correct_column) == ("has_justice_record", "linked_to_justice",
                                                   "link_correct")
    assert 0 < linkage.evaluation.recall_gap < 1
    assert linkage.bias.table == "justice_records" and linkage.bias.linked_column == "linked"
    assert linkage.bias.record_key_column == "record_key"  # the cohort's record key's name
    assert set(linkage.bias.characteristics) <= set(catalog.dimensions)
    assert (linkage.model.parameters_table, linkage.model.settings_table) == (
        "linkage_model", "linkage_settings")
    assert all(outcome.about_children for outcome in catalog.outcomes.values())
    data = catalog.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["dataset"]["linkage"]["evaluation"]["by"] == list(linkage.evaluation.by)


def test_a_catalog_without_the_linkage_sections_has_none(census_catalog) -> None:
    linkage = census_catalog.linkage
    assert (linkage.evaluation, linkage.bias, linkage.model) == (None, None, None)
    assert set(census_catalog.to_dict()["dataset"]["linkage"]) == {"method", "quality",
                                                                    "by_group_note"}
    assert not any(outcome.about_children for outcome in census_catalog.outcomes.values())


def test_the_public_views_about_children_pass_the_wording_check() -> None:
    catalog = load_catalog("justice_education")
    assert catalog.public_views
    for view in catalog.public_views:
        for text in (view.title, view.headline_subject, view.what_it_means,
                     view.what_it_does_not_mean):
            assert child_wording_problems(text) == [], (view.code, text)


_EVALUATION = ["dataset", "linkage", "evaluation"]
_BIAS = ["dataset", "linkage", "bias"]
_MODEL = ["dataset", "linkage", "model"]

LINKAGE_CASES = {
    "truth column not in the persons table": (
        lambda d: _set(d, _EVALUATION + ["true_match_column"], "true_match"),
        "dataset.linkage.evaluation.true_match_column",
        "column 'true_match' is not a column of table 'pupils'"),
    "linked column not in the persons table": (
        lambda d: _set(d, _EVALUATION + ["linked_column"], "linked"),
        "dataset.linkage.evaluation.linked_column", "is not a column of table 'pupils'"),
    "correct column not in the persons table": (
        lambda d: _set(d, _EVALUATION + ["correct_column"], "correct"),
        "dataset.linkage.evaluation.correct_column", "is not a column of table 'pupils'"),
    "evaluation by an undeclared dimension": (
        lambda d: _set(d, _EVALUATION + ["by", 1], "religion"),
        "dataset.linkage.evaluation.by[1]", "dimension 'religion' is not declared"),
    "recall gap of zero": (
        lambda d: _set(d, _EVALUATION + ["recall_gap"], 0),
        "dataset.linkage.evaluation.recall_gap", "must be a share between 0 and 1"),
    "recall gap in percentage points": (
        lambda d: _set(d, _EVALUATION + ["recall_gap"], 5),
        "dataset.linkage.evaluation.recall_gap", "must be a share between 0 and 1"),
    "recall gap as text": (
        lambda d: _set(d, _EVALUATION + ["recall_gap"], "5%"),
        "dataset.linkage.evaluation.recall_gap", "wrong type: expected number"),
    "evaluation without its dimensions": (
        lambda d: d["dataset"]["linkage"]["evaluation"].pop("by"),
        "dataset.linkage.evaluation.by", "required key is missing"),
    "bias table not declared": (
        lambda d: _set(d, _BIAS + ["table"], "court_records"),
        "dataset.linkage.bias.table", "table 'court_records' is not declared"),
    "bias linked column not in its table": (
        lambda d: _set(d, _BIAS + ["linked_column"], "linked_to_justice"),
        "dataset.linkage.bias.linked_column",
        "column 'linked_to_justice' is not a column of table 'justice_records'"),
    "bias characteristic not a declared dimension": (
        lambda d: _set(d, _BIAS + ["characteristics", "gender"], "sex"),
        "dataset.linkage.bias.characteristics.gender", "dimension 'gender' is not declared"),
    "bias characteristic's column not in the bias table": (
        lambda d: _set(d, _BIAS + ["characteristics", "fsm"], "fsm"),
        "dataset.linkage.bias.characteristics.fsm",
        "column 'fsm' is not a column of table 'justice_records'"),
    "bias record key not in the bias table": (
        lambda d: _set(d, _BIAS + ["record_key_column"], "person_key"),
        "dataset.linkage.bias.record_key_column", "column 'person_key' is not a column"),
    "bias table without the cohort's record key": (
        lambda d: d["tables"]["justice_records"]["columns"].pop("record_key"),
        "dataset.linkage.bias.table", "column 'record_key' is not a column of table "
                                      "'justice_records'"),
    "unknown key in the bias section": (
        lambda d: _set(d, _BIAS + ["linked"], "linked"),
        "dataset.linkage.bias.linked", "unknown key 'linked'"),
    "model parameters table not declared": (
        lambda d: _set(d, _MODEL + ["parameters_table"], "splink_model"),
        "dataset.linkage.model.parameters_table", "table 'splink_model' is not declared"),
    "model parameters table without m probabilities": (
        lambda d: d["tables"]["linkage_model"]["columns"].pop("m_probability"),
        "dataset.linkage.model.parameters_table",
        "column 'm_probability' is not a column of table 'linkage_model'"),
    "model settings table without values": (
        lambda d: d["tables"]["linkage_settings"]["columns"].pop("value"),
        "dataset.linkage.model.settings_table",
        "column 'value' is not a column of table 'linkage_settings'"),
}


@pytest.mark.parametrize("case", list(LINKAGE_CASES))
def test_malformed_linkage_sections_are_reported_clearly(tmp_path: Path, case: str) -> None:
    mutate, key_path, phrase = LINKAGE_CASES[case]
    _assert_catalog_error(_write(tmp_path, mutate), key_path, phrase)


# --- wording about children ------------------------------------------------------------------

WORDING_CASES = {
    "offenders as a label": (
        ["public_views", 0, "what_it_means"],
        "Of every 100 pupils, how many became offenders by 18.", "'offenders'"),
    "young offenders": (
        ["public_views", 0, "title"], "Young offenders by free school meals", "'young offenders'"),
    "criminals": (
        ["public_views", 1, "headline_subject"], "the share of pupils who are criminals",
        "'criminals'"),
    "delinquents": (
        ["public_views", 1, "what_it_means"], "Delinquent pupils by special educational needs.",
        "'delinquent'"),
    "a cause": (
        ["public_views", 0, "what_it_does_not_mean"],
        "Low income causes children to get into trouble.", "associations, not causes"),
    "leads to": (
        ["public_views", 0, "what_it_means"], "Exclusion leads to a caution or sentence.",
        "associations, not causes"),
    "makes more likely": (
        ["public_views", 1, "what_it_does_not_mean"],
        "Special educational needs make a caution much more likely.",
        "associations, not causes"),
}


@pytest.mark.parametrize("case", list(WORDING_CASES))
def test_stigmatising_text_about_children_is_refused_at_load(tmp_path: Path, case: str) -> None:
    key, text, phrase = WORDING_CASES[case]
    document = _justice_document()
    view = document["public_views"][key[1]]["code"]
    message = _assert_catalog_error(_write(tmp_path, lambda d: _set(d, key, text)),
                                    ".".join(["public_views" + f"[{key[1]}]", key[2]]), phrase)
    assert f"public view {view!r} is about children" in message


def test_an_outcome_not_about_children_is_not_checked(tmp_path: Path) -> None:
    def mutate(document: dict[str, Any]) -> None:
        document["outcomes"]["cautioned_or_sentenced"]["about_children"] = False
        document["public_views"][0]["title"] = "Young offenders by free school meals"

    assert load_catalog_file(_write(tmp_path, mutate)).public_views[0].title.startswith("Young")


@pytest.mark.parametrize("text", [
    "It does not show that low income leads children into trouble with the law.",
    "Special educational needs do not make children offend.",
    "Differences are associations, not causes.",
    "Children cautioned for criminal damage are counted; the criminal justice system records it.",
    "Pupils cautioned or sentenced at ages 10 to 17, by free school meals.",
    "Their 95% confidence intervals overlap, so the difference may be due to chance.",
])
def test_plain_associational_wording_passes(text: str) -> None:
    assert child_wording_problems(text) == []


@pytest.mark.parametrize("text, found", [
    ("Most reoffenders were eligible.", "'reoffenders'"),
    ("Juvenile delinquency by region.", "'delinquency'"),
    ("Being excluded results in a sentence.", "'results in'"),
    ("The gap is due to poverty.", "'due to'"),
    ("Cautions rose because of exclusions; this does not mean much.", "'because of'"),
    ("Poverty makes pupils offend.", "'makes pupils offend'"),
])
def test_labels_and_causes_are_found(text: str, found: str) -> None:
    assert any(found in problem for problem in child_wording_problems(text)), text
