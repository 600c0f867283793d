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
