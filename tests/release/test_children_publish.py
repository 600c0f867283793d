"""Publishing the justice-education dataset's public views (outcomes marked about_children):
every text the public reads, the generated headlines included, passes the child-wording check
(no labels for children, associations not causes)."""

from __future__ import annotations

import json

import pytest

from explorer.catalog import load_catalog
from explorer.catalog.child_wording import child_wording_problems
from explorer.release.publish import publish
from explorer.release.published_file import load_publication

pytestmark = pytest.mark.sql


def test_published_texts_about_children_pass_the_wording_check(tmp_path, justice_db_path):
    catalog = load_catalog("justice_education")
    out = tmp_path / "published" / "justice_education.json"
    result = publish(catalog, database_path=justice_db_path, out=out)
    assert [code for code, _ in result.views] == [view.code for view in catalog.public_views]
    publication = load_publication("justice_education", out)
    for view in publication.views:
        assert view.headline and not child_wording_problems(view.headline), view.headline
        assert view.table.frame["value"].notna().any()
    document = json.loads(out.read_text(encoding="utf-8"))
    for view in document["views"]:
        texts = [view[key] for key in ("title", "what_it_means", "what_it_does_not_mean")]
        texts += [view["table"]["title"], view["table"]["method"]]
        assert all(text and not child_wording_problems(text) for text in texts), texts
    text = json.dumps(document["views"]).lower()  # (the provenance cites a source by its name)
    assert "offender" not in text and "criminals" not in text
