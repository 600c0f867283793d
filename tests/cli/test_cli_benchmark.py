"""``python -m explorer table --benchmark reference|total`` and the ``comparison`` column in its
CSV and JSON (issue 17)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from explorer.cli.commands import main

pytestmark = pytest.mark.sql

VIEW = ["table", "--dataset", "census_mortality", "--outcome", "suicide", "--measure",
        "crude_rate", "--by", "sex"]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_carries_the_comparison_with_the_chosen_benchmark(capsys, default_database):
    frames = {}
    for benchmark in (None, "reference", "total"):
        extra = [] if benchmark is None else ["--benchmark", benchmark]
        code, out, err = _run(capsys, *VIEW, "--database", str(default_database), *extra)
        assert code == 0, err
        frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
        columns = list(frame.columns)
        assert columns[columns.index("denominator") + 1] == "comparison"
        assert columns.index("comparison") + 1 == columns.index("status")
        frames[benchmark] = frame.set_index("sex")["comparison"]
    assert frames[None].equals(frames["reference"])  # reference is the default
    assert frames["reference"]["Female"] == "benchmark"  # the catalog's reference sex
    assert frames["reference"]["Male"] == "higher"
    assert frames["total"]["Total"] == "benchmark"
    assert frames["total"]["Male"] == "higher" and frames["total"]["Female"] == "lower"


def test_json_carries_the_column_and_its_sentence(capsys, default_database):
    code, out, err = _run(capsys, *VIEW, "--database", str(default_database), "--benchmark",
                          "total", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert "comparison" in document["columns"]
    assert {row["comparison"] for row in document["rows"]} == {"higher", "lower", "benchmark"}
    assert document["comparison_text"].startswith("Compared with the total")


def test_an_unknown_benchmark_is_one_line_and_exit_2(capsys, default_database):
    code, out, err = _run_usage(capsys, *VIEW, "--database", str(default_database),
                                "--benchmark", "median")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "--benchmark" in err


def _run_usage(capsys, *args: str) -> tuple[int, str, str]:
    """argparse refuses a value outside the choices with SystemExit(2)."""
    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("benchmark", ["reference", "total"])
def test_cli_marks_agree_with_independently_computed_intervals(capsys, default_database,
                                                               benchmark):
    """The CLI's ``comparison`` for all-cause crude rates by detailed ethnic group equals a mark computed
    here from its own shown deaths and person-years: exact Poisson (Garwood) 95% limits with
    scipy's chi-square quantiles, against the benchmark row's shown rate (rows whose limit lies
    within rounding of the benchmark are left out)."""
    from scipy.stats import chi2

    code, out, err = _run(capsys, "table", "--dataset", "census_mortality", "--outcome",
                          "all_cause", "--measure", "crude_rate", "--by", "ethnicity_detailed",
                          "--database", str(default_database), "--benchmark", benchmark)
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out), keep_default_na=False)
    label = "White: English, Welsh, Scottish, Northern Irish or British" \
        if benchmark == "reference" else "Total"
    base = float(frame.loc[frame["ethnicity_detailed"] == label, "value"].iat[0])
    checked = {"higher": 0, "similar": 0, "lower": 0}
    for _, row in frame.iterrows():
        if row["ethnicity_detailed"] == label:
            assert row["comparison"] == "benchmark"
            continue
        if row["value"] == "":
            assert row["comparison"] == "", row.to_dict()
            continue
        deaths, years = float(row["events"]), float(row["denominator"])
        lower = chi2.ppf(0.025, 2 * deaths) / 2 / years * 100_000
        upper = chi2.ppf(0.975, 2 * deaths + 2) / 2 / years * 100_000
        if min(abs(lower - base), abs(upper - base)) < 0.01:
            continue
        expected = "higher" if lower > base else "lower" if upper < base else "similar"
        assert row["comparison"] == expected, row.to_dict()
        checked[expected] += 1
    assert sum(checked.values()) >= 8 and checked["similar"] and \
        (checked["higher"] or checked["lower"]), checked
