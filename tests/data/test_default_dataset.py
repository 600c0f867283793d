"""The default dataset (catalog build.default_persons, what `make run` builds) is large enough
to show the minority groups the ONS study reports: suicide by ethnic group and sex, every cell
shown to officials (at 1M persons only the White cells were)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [pytest.mark.sql, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def default_size_database(tmp_path_factory, census_catalog) -> Path:
    """The default dataset, built with the CLI's defaults (no --persons, no --seed)."""
    out = tmp_path_factory.mktemp("default_size") / "census_mortality.duckdb"
    result = subprocess.run([sys.executable, "-m", "explorer", "build-data", "--dataset",
                             "census_mortality", "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"{census_catalog.build_defaults.persons:,} persons" in result.stdout
    return out


def test_the_default_dataset_is_at_least_ten_million_persons(census_catalog):
    assert census_catalog.build_defaults.persons >= 10_000_000


def test_suicide_by_ethnic_group_and_sex_shows_minority_groups(default_size_database):
    result = subprocess.run([sys.executable, "-m", "explorer", "table", "--dataset",
                             "census_mortality", "--outcome", "suicide", "--measure", "asmr",
                             "--by", "ethnicity,sex", "--audience", "official",
                             "--database", str(default_size_database)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    shown = table[table["status"] == "shown"]
    not_white = shown[~shown["ethnicity"].isin(["White", "Total"]) & (shown["sex"] != "Total")]
    assert len(not_white) > 0
    # every ethnic group by sex is shown (5 groups x 2 sexes)
    by_group = table[(table["ethnicity"] != "Total") & (table["sex"] != "Total")]
    assert len(by_group) == 10 and (by_group["status"] == "shown").all()
