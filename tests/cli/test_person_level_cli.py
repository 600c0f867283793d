"""The CLI on a person-level dataset (the test-only pupil_cohort catalog, served from a catalog
directory with EXPLORER_CATALOG_DIR): ``table`` and ``review`` work with no code for the dataset;
a period, a measure that needs person-years, or ``build-data`` for a catalog with no build
section fail with one line on stderr and exit status 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from explorer.cli.commands import main
from explorer.release.output_report import WARNING

pytestmark = pytest.mark.sql

ROOT = Path(__file__).resolve().parents[2]
VIEW = ["--dataset", "pupil_cohort", "--outcome", "cautioned_or_sentenced"]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


def test_table_prints_the_protected_proportions(capsys, pupil_env, pupil_data):
    code, out, err = _run(capsys, "table", *VIEW, "--measure", "proportion", "--by", "fsm",
                          "--database", str(pupil_data.path))
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns[:2]) == ["fsm", "value"]
    assert list(frame["fsm"]) == ["Eligible for free school meals", "Not eligible", "Total"]
    cohort = pupil_data.pupils[pupil_data.pupils["in_cohort"]]
    direct = cohort.groupby("fsm")["cautioned_or_sentenced"].mean().to_numpy() * 100
    assert frame["value"][:2].to_numpy() == pytest.approx(direct, abs=0.05)  # official: perturbed
    assert set(frame["rule"].dropna()) == {"cell_key_perturbation"}


def test_table_as_json_and_with_a_filter(capsys, pupil_env):
    code, out, err = _run(capsys, "table", *VIEW, "--measure", "proportion_ratio", "--by", "sen",
                          "--where", "sex=male", "--audience", "statistician", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["unit"] == "ratio"
    assert "ratio of proportions" in document["title"]
    assert [row["sen"] for row in document["rows"]][-1] == "No special educational needs"
    assert document["rows"][-1]["value"] == 1
    assert all(row["value"] > 1 for row in document["rows"][:-1])


def test_review_prints_the_one_table_report(capsys, pupil_env):
    code, out, err = _run(capsys, "review", *VIEW, "--measure", "count", "--by", "ethnicity,region",
                          "--policy", "statistician")
    assert code == 0, err
    report = json.loads(out)
    assert report["warning"] == WARNING
    assert [table["role"] for table in report["tables"]] == ["view"]
    assert report["dataset"]["code"] == "pupil_cohort"


def test_catalog_prints_the_shape(capsys, pupil_env):
    code, out, err = _run(capsys, "catalog", "--dataset", "pupil_cohort")
    assert code == 0, err
    assert json.loads(out)["dataset"]["shape"] == "person_level"


@pytest.mark.parametrize("args, phrase", [
    (["--measure", "proportion", "--period", "2015"],
     "this dataset's outcomes are flags that cover the whole follow-up window (2012 to 2020), so "
     "a table cannot be limited to a period or a year"),
    (["--measure", "proportion", "--period", "2012-2020"], "cannot be limited to a period"),
    (["--measure", "asmr"],
     "age-standardised rates need person-years; this dataset's outcomes are shares of people"),
    (["--measure", "crude_rate", "--by", "sex"], "rates need person-years"),
])
@pytest.mark.parametrize("command", ["table", "review"])
def test_what_a_person_level_dataset_does_not_have_is_one_line(capsys, pupil_env, command, args,
                                                               phrase):
    err = _one_line_error(*_run(capsys, command, *VIEW, *args))
    assert phrase in err


def test_build_data_refuses_a_catalog_without_a_build_section(capsys, pupil_env, tmp_path):
    err = _one_line_error(*_run(capsys, "build-data", "--dataset", "pupil_cohort",
                                "--out", str(tmp_path / "x.duckdb")))
    assert "dataset 'pupil_cohort' is not built by build-data" in err
    assert "no dataset.build section" in err
    assert not (tmp_path / "x.duckdb").exists()


def test_the_real_process_exits_2_with_one_line(pupil_env):
    result = subprocess.run([sys.executable, "-m", "explorer", "table", *VIEW, "--measure",
                             "proportion", "--period", "2016-2019"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "whole follow-up window" in result.stderr
