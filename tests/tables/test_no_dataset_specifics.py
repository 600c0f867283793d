"""Nothing dataset-specific in the library: the opening view, the dimension an adjusted rate
ratio also adjusts for and which outcome follows safe-messaging rules come from the catalog.
A variant of the census catalog whose sex dimension is called ``gender``, opening on all-cause
mortality by disability, works unchanged against the same database."""

from __future__ import annotations

import pytest
import yaml

from explorer.app.view_state import default_view, view_from_query_params
from explorer.catalog import load_catalog_file
from explorer.paths import catalog_dir
from explorer.tables import build_table, validate_request

pytestmark = pytest.mark.sql


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    document = yaml.safe_load((catalog_dir() / "census_mortality.yaml").read_text(encoding="utf-8"))
    dimensions = document["dimensions"]
    dimensions = {("gender" if code == "sex" else code): value for code, value in dimensions.items()}
    document["dimensions"] = dimensions
    document["dataset"]["explore"] = {"outcome": "all_cause", "measure": "crude_rate",
                                      "by": ["disability"]}
    document["standard_population"]["adjust_also_for"] = "gender"
    for view in document.get("public_views", []):
        view["by"] = ["gender" if code == "sex" else code for code in view["by"]]
    path = tmp_path_factory.mktemp("variant") / "census_mortality.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_catalog_file(path)


def test_the_opening_view_is_the_catalogs(renamed):
    view = default_view(renamed)
    assert (view.outcome, view.measure, view.by) == ("all_cause", "crude_rate", ("disability",))
    again, notices = view_from_query_params({"measure": "nonsense"}, renamed)
    assert again.measure == "crude_rate" and len(notices) == 1


def test_an_adjusted_rate_ratio_adjusts_for_the_catalogs_dimension(renamed, database):
    request = validate_request(renamed, outcome="suicide", measure="adjusted_rate_ratio",
                               by=["disability"])
    table = build_table(request, renamed, database)
    assert "adjusted for age group and gender" in table.method
    assert table.frame["value"].notna().any()
