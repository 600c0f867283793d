"""The catalog's ``source:`` section is checked when the catalog loads: each mistake is one
CatalogError naming the key path, before any extract is read."""

from __future__ import annotations

import pytest
import yaml

from explorer.catalog import load_catalog, load_catalog_file
from explorer.errors import CatalogError
from explorer.paths import catalog_dir

pytestmark = pytest.mark.unit

DATASET = "ons_dsc_census_mortality"


def _document() -> dict:
    return yaml.safe_load((catalog_dir() / f"{DATASET}.yaml").read_text(encoding="utf-8"))


def _load(tmp_path, document) -> None:
    path = tmp_path / f"{DATASET}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    load_catalog_file(path)


def test_the_dsc_catalog_reads_every_column_it_maps():
    source = load_catalog(DATASET).source
    assert source.columns == ("dob_year", "dob_month", "dob_day", "dodyr", "dodmt", "doddy",
                              "fic10und", "sex", "ethpuk11", "relpuk11", "disability", "marstat",
                              "hlqpuk11", "tenhuk11", "region_code", "deprived")
    suicide = next(o for o in source.outcomes if o.outcome == "suicide")
    assert [(r.first, r.last, r.min_age) for r in suicide.rules] == [
        ("X60", "X84", 10), ("Y870", "Y870", 10), ("Y10", "Y34", 15), ("Y872", "Y872", 15)]


def _unknown_key(document):
    document["source"]["dimensions"]["sex"]["codes"]["1"] = "man"


def _unmapped_dimension(document):
    del document["source"]["dimensions"]["religion"]


def _unknown_dimension(document):
    document["source"]["dimensions"]["nssec"] = {"column": "nssec", "codes": {"1": "x"}}


def _outcome_without_rule(document):
    del document["source"]["outcomes"]["covid19"]


def _backward_range(document):
    document["source"]["outcomes"]["cancer"]["icd10"] = [{"codes": "C97-C00"}]


def _not_icd10(document):
    document["source"]["outcomes"]["cancer"]["icd10"] = [{"codes": "cancer"}]


def _unfilled_column(document):
    document["tables"]["persons"]["columns"]["age_at_census"] = {"type": "UTINYINT",
                                                                  "description": "Age"}


def _bad_source_column(document):
    document["source"]["underlying_cause"] = "fic10und; DROP TABLE persons"


@pytest.mark.parametrize("change, expected", [
    (_unknown_key, "source.dimensions.sex.codes['1']: 'man' is not a category key of dimension 'sex'"),
    (_unmapped_dimension, "source.dimensions: no source column for dimension(s) religion"),
    (_unknown_dimension, "source.dimensions.nssec: 'nssec' is not a dimension of table 'persons'"),
    (_outcome_without_rule, "source.outcomes: no rule for outcome(s) covid19"),
    (_backward_range, "source.outcomes.cancer.icd10[0].codes: a range must run forward"),
    (_not_icd10, "source.outcomes.cancer"),
    (_unfilled_column, "column(s) age_at_census of table 'persons' are not filled by the source section"),
    (_bad_source_column, "source.underlying_cause"),
])
def test_a_bad_source_section_is_one_line(tmp_path, change, expected):
    document = _document()
    change(document)
    with pytest.raises(CatalogError) as error:
        _load(tmp_path, document)
    message = str(error.value)
    assert expected in message and "\n" not in message
