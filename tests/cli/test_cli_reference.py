"""README.md's command-line reference is the current ``--help`` output, for every command."""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

import pytest

from explorer.cli import reference as ref
from explorer.cli.commands import _build_parser

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def generated() -> str:
    return ref.reference()


def _parser_commands() -> list[str]:
    subparsers = [action for action in _build_parser()._actions
                  if isinstance(action, argparse._SubParsersAction)]
    assert len(subparsers) == 1
    return list(subparsers[0].choices)


def test_readme_reference_matches_the_current_help(generated):
    text = ref.README.read_text(encoding="utf-8")
    expected = ref.with_reference(text, generated)
    diff = "".join(difflib.unified_diff(text.splitlines(True), expected.splitlines(True),
                                        "README.md", "from --help", n=1))
    assert text == expected, (f"README.md's command-line reference is stale: run "
                              f"{ref.REGENERATE}\n{diff}")


def test_every_command_the_parser_knows_has_a_subsection():
    readme = ref.section(ref.README.read_text(encoding="utf-8"))
    missing = [command for command in _parser_commands()
               if f"#### `{command}`\n" not in readme
               or f"$ python -m explorer {command} --help\n" not in readme]
    assert missing == [], f"no README subsection for {missing}: run {ref.REGENERATE}"


def test_the_reference_lists_every_command_and_nothing_machine_specific(generated):
    assert ref.commands(ref.help_text()) == _parser_commands()
    for local in (str(ref.ROOT), str(Path.home())):
        assert local not in generated


def test_the_check_catches_a_stale_or_unmarked_readme(tmp_path):
    """Replacing the section restores an edited copy; a README without markers is refused."""
    text = f"# Title\n\n{ref.START}\nold help\n{ref.END}\n\n## Next\n"
    fresh = ref.with_reference(text, "new help\n")
    assert fresh == f"# Title\n\n{ref.START}\nnew help\n{ref.END}\n\n## Next\n"
    assert ref.section(fresh) == "\nnew help\n"
    assert ref.with_reference(fresh, "new help\n") == fresh
    with pytest.raises(ValueError, match="exactly one"):
        ref.section("# Title\n" + ref.END + ref.START)
