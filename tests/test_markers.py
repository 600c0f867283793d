"""The layer-marker check of conftest.py: a session holding a test without one of unit, sql,
app or browser stops with a usage error naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def _collect(directory: Path) -> subprocess.CompletedProcess:
    """Collect ``directory`` in a fresh pytest with this repository's settings and conftest."""
    shutil.copy(Path(__file__).with_name("conftest.py"), directory / "conftest.py")
    shutil.copytree(Path(__file__).with_name("fixtures"), directory / "fixtures")  # its plugins
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(directory),
         "--confcutdir", str(directory), str(directory)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_test_without_a_layer_marker_stops_the_session(tmp_path):
    (tmp_path / "test_example.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.slow\n"
        "def test_unmarked():\n    pass\n\n"
        "@pytest.mark.sql\n"
        "def test_marked():\n    pass\n", encoding="utf-8")
    result = _collect(tmp_path)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "1 test(s) carry none of the layer markers unit, sql, app, browser" in result.stderr
    assert "test_example.py::test_unmarked" in result.stderr
    assert "test_marked" not in result.stderr


def test_module_and_function_markers_both_count(tmp_path):
    (tmp_path / "test_module.py").write_text(
        "import pytest\n\npytestmark = [pytest.mark.golden, pytest.mark.app]\n\n"
        "def test_by_module():\n    pass\n", encoding="utf-8")
    (tmp_path / "test_function.py").write_text(
        "import pytest\n\n@pytest.mark.browser\ndef test_by_function():\n    pass\n\n"
        "class TestGroup:\n    @pytest.mark.unit\n    def test_in_a_class(self):\n        pass\n",
        encoding="utf-8")
    result = _collect(tmp_path)
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert "3 tests collected" in result.stdout
