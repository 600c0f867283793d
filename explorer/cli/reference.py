"""The README's command-line reference, generated from the real ``--help`` output.

``python -m explorer.cli.reference`` prints the reference; ``--write`` puts it into README.md
between the two marker comments; ``--check`` exits with status 1 when README.md's copy is stale
(tests/cli/test_cli_reference.py runs the same check). The help is captured by running
``python -m explorer [<command>] --help`` in a subprocess with COLUMNS=100 and colour off, so
argparse wraps it identically on every machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START = "<!-- cli-reference start -->"
END = "<!-- cli-reference end -->"
REGENERATE = ".venv/bin/python -m explorer.cli.reference --write"
_UNSET = ("FORCE_COLOR", "PYTHON_COLORS", "PYTHONSAFEPATH", "LINES")


def help_text(*command: str) -> str:
    """What ``python -m explorer [command] --help`` prints, at a fixed width of 100 columns."""
    env = {key: value for key, value in os.environ.items() if key not in _UNSET}
    env.update(COLUMNS="100", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "explorer", *command, "--help"], cwd=ROOT,
                            env=env, capture_output=True, text=True, encoding="utf-8", check=True)
    return "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())


def commands(overview: str) -> list[str]:
    """The commands the top-level help lists, in the parser's order."""
    found = re.search(r"\{([^}]+)\}", overview)
    if found is None:
        raise ValueError("no {command,...} list in python -m explorer --help")
    return found.group(1).split(",")


def _block(command: str, text: str) -> str:
    return f"```text\n$ python -m explorer {command}--help\n{text}\n```\n"


def reference() -> str:
    """The generated Markdown: the overview, then one subsection per command."""
    overview = help_text()
    parts = [f"<!-- Generated from --help by `{REGENERATE}`: do not edit by hand. -->\n",
             _block("", overview)]
    for command in commands(overview):
        parts.append(f"#### `{command}`\n\n" + _block(f"{command} ", help_text(command)))
    return "\n".join(parts)


def _split(text: str) -> tuple[str, str, str]:
    """README text as (before and START, the generated section, END and after)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"README.md needs exactly one {START} followed by one {END}")
    head, rest = text.split(START, 1)
    body, tail = rest.split(END, 1)
    return head + START, body, END + tail


def section(text: str) -> str:
    """The generated section of a README text (between the markers, without them)."""
    return _split(text)[1]


def with_reference(text: str, generated: str) -> str:
    """The README text with its generated section replaced by ``generated``."""
    head, _, tail = _split(text)
    return f"{head}\n{generated}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer.cli.reference",
                                     description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's section")
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md's is stale")
    args = parser.parse_args(argv)
    generated = reference()
    if not (args.write or args.check):
        sys.stdout.write(generated)
        return 0
    text = README.read_text(encoding="utf-8")
    expected = with_reference(text, generated)
    if args.write and expected != text:
        README.write_text(expected, encoding="utf-8")
        print(f"rewrote the command-line reference in {README.name}")
    elif args.check and expected != text:
        sys.stderr.write(f"{README.name}'s command-line reference is stale: run {REGENERATE}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
