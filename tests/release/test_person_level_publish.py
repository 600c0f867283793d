"""Publishing the public views of a person-level dataset (the test-only pupil_cohort catalog):
proportions under the public policy, headlines in the outcome's own unit, table headers that
say people, not deaths, and a file an older reader's rules still accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.release.publish import publish
from explorer.release.published_file import display_frame, load_publication, view_csv
from explorer.sdc.status import CellStatus
from explorer.tables import build_table, validate_request

pytestmark = pytest.mark.sql


@pytest.fixture(scope="module")
def published(tmp_path_factory, pupil_catalog, pupil_data) -> Path:
    out = tmp_path_factory.mktemp("pupil_published") / "published" / "pupil_cohort.json"
    result = publish(pupil_catalog, database_path=pupil_data.path, out=out)
    assert result.path == out and [code for code, _ in result.views] == [
        "cautioned_or_sentenced_by_fsm", "cautioned_or_sentenced_by_sen"]
    return out


def test_the_file_holds_the_public_proportions(published, pupil_catalog, pupil_database):
    document = json.loads(published.read_text(encoding="utf-8"))
    view = document["views"][0]
    assert view["measure"] == {"code": "proportion",
                               "label": "Proportion of people with the outcome"}
    assert view["table"]["unit"] == "% of pupils"
    assert (view["table"]["events_label"], view["table"]["denominator_label"]) == (
        "People with the outcome", "People")
    expected = build_table(validate_request(pupil_catalog, outcome="cautioned_or_sentenced",
                                            measure="proportion", by=["fsm"], audience="public"),
                           pupil_catalog, pupil_database).frame
    for row, (_, table_row) in zip(view["table"]["rows"], expected.iterrows()):
        assert row["value"] == table_row["value"] and row["events"] == table_row["events"]
        assert row["denominator"] % 100 == 0  # the public policy rounds people to 100
        assert row["status"] == CellStatus.SHOWN.value
    text = json.dumps({**document, "policy": None}).lower()  # the policy's text covers both shapes
    assert "death" not in text and "person-years" not in text and "died" not in text


def test_headlines_and_tables_read_as_proportions(published):
    publication = load_publication("pupil_cohort", published)
    by_fsm = publication.views[0]
    assert by_fsm.headline.startswith(
        "Between 2012 and 2020, the percentage of pupils cautioned or sentenced at ages 10 to 17 "
        'was highest for the group "Eligible for free school meals" (')
    assert '% of pupils) and lowest for the group "Not eligible"' in by_fsm.headline
    assert "do not overlap" in by_fsm.headline
    assert "For everyone together it was" in by_fsm.headline
    frame = display_frame(by_fsm)
    assert list(frame.columns) == [
        "Free school meals", "Percentage (% of pupils)", "Lower 95% CI", "Upper 95% CI",
        "People with the outcome", "People", "Compared with benchmark", "Status", "Marker"]
    by_sen = publication.views[1]
    assert 'highest for the group "Education health and care plan"' in by_sen.headline
    assert by_sen.table.row_flags["is_reference"].tolist() == [False, False, True, False]
    csv = view_csv(by_sen, publication)
    assert "# Unit: % of pupils" in csv and "116 123" not in csv


def test_a_file_without_count_labels_reads_as_deaths_and_person_years(published, tmp_path):
    """Files published before person-level datasets carry no count labels: they are person-time
    files, read as deaths over person-years."""
    document = json.loads(published.read_text(encoding="utf-8"))
    for view in document["views"]:
        del view["table"]["events_label"], view["table"]["denominator_label"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    table = load_publication("pupil_cohort", path).views[0].table
    assert (table.events_label, table.denominator_label) == ("Deaths", "Person-years")
