"""The library is grouped by stage and imports only go down the stages; pages stay thin.

Stages, lowest first (explorer/__init__.py says what each holds). A module may import from its
own stage and from lower ones, never from a higher one. A page (pages/*.py, app.py) imports only
the public names of the stages meant for pages, never duckdb, the SQL files, or a stage's
internals.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["errors", "paths", "formats", "catalog", "db", "data", "sdc", "measures", "tables",
          "release", "app", "auth", "cli"]
BASE = {"errors", "paths", "formats"}  # every stage may import these
PAGE_LIBRARY = {"app", "auth"}
"""Stages written for pages: a page may import any of their modules."""
PAGE_PACKAGES = {"catalog", "tables", "release", "errors"}
"""Stages whose package-level names (their ``__init__``'s public verbs) a page may import; never
their modules, and nothing from sdc, db, data or measures."""


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every imported module name in a file, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names
                      if node.module == "explorer"]
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "explorer" and len(parts) > 1 and parts[1] in STAGES else None


def _library_files() -> list[Path]:
    """Every module of a stage, and the base modules (not the package's own __init__/__main__)."""
    top = ROOT / "explorer"
    return sorted(p for p in top.rglob("*.py") if p.parent != top or p.stem in BASE)


def upward_imports(files: list[Path]) -> list[str]:
    problems = []
    for path in files:
        relative = path.relative_to(ROOT / "explorer")
        own = relative.parts[0].removesuffix(".py")
        for module, line in _imports(path):
            target = _stage(module)
            if target is None or target == own or target in BASE:
                continue
            if STAGES.index(target) > STAGES.index(own):
                problems.append(f"explorer/{relative}:{line} ({own}) imports {module} ({target})")
    return problems


def _page_may_import(module: str) -> bool:
    stage = _stage(module)
    if stage in PAGE_LIBRARY:
        return True
    return stage in PAGE_PACKAGES and module == f"explorer.{stage}"


def page_problems(files: list[Path]) -> list[str]:
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for module, line in _imports(path):
            name = f"{path.name}:{line} imports {module}"
            if module.split(".")[0] == "duckdb":
                problems.append(f"{name} (no database access in a page)")
            elif module.startswith("explorer") and not _page_may_import(module):
                problems.append(f"{name} (a stage's internals)")
        if "queries/" in text or ".sql" in text:
            problems.append(f"{path.name} reads SQL")
    return problems


def test_every_library_module_belongs_to_a_stage():
    loose = [p.name for p in (ROOT / "explorer").glob("*.py")
             if p.stem not in BASE and p.name not in ("__init__.py", "__main__.py")]
    packages = {p.name for p in (ROOT / "explorer").iterdir() if (p / "__init__.py").exists()}
    assert loose == []
    assert packages == set(STAGES) - BASE


def test_imports_only_go_down_the_stages():
    assert upward_imports(_library_files()) == []


def test_pages_import_only_what_is_meant_for_pages():
    assert page_problems(sorted((ROOT / "pages").glob("*.py")) + [ROOT / "app.py"]) == []


def test_the_checks_catch_an_upward_import_and_a_page_reaching_down(tmp_path):
    """The two checks above are not vacuous: planted violations are reported."""
    stage = tmp_path / "explorer" / "sdc"
    stage.mkdir(parents=True)
    planted = stage / "planted.py"
    planted.write_text("from explorer.tables.request import TableRequest\n"
                       "from explorer.db import QueryRunner\n", encoding="utf-8")
    upward = [module for module, _ in _imports(planted)
              if STAGES.index(_stage(module)) > STAGES.index("sdc")]
    assert upward == ["explorer.tables.request"]
    page = tmp_path / "page.py"
    page.write_text("import duckdb\nfrom explorer.sdc.policy import load_policy\n"
                    "from explorer.tables.request import MEASURES\n"
                    "from explorer.app.charts import chart_for\nfrom explorer.tables import MEASURES\n"
                    "QUERY = open('queries/breakdown_events.sql').read()\n", encoding="utf-8")
    assert page_problems([page]) == [
        "page.py:1 imports duckdb (no database access in a page)",
        "page.py:2 imports explorer.sdc.policy (a stage's internals)",
        "page.py:3 imports explorer.tables.request (a stage's internals)",
        "page.py reads SQL"]


@pytest.mark.parametrize("path", sorted((ROOT / "explorer").rglob("*.py")) + sorted((ROOT / "pages").glob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_about_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 420, f"{path.relative_to(ROOT)} has {lines} lines"
