"""Docs are checked too: the README's commands are the Makefile's, and docs/cli.md is --help.

Regenerate the CLI reference with:  CREDSTACK_UPDATE_DOCS=1 pytest tests/test_docs.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from credstack.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def commands(group: typer.Typer, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name
        found += commands(sub.typer_instance, [*prefix, sub.name])
    for cmd in group.registered_commands:
        name = cmd.name or (cmd.callback.__name__.replace("_", "-") if cmd.callback else "")
        found.append([*prefix, name])
    return found


def cli_reference() -> str:
    parts = ["# CLI reference\n\nGenerated from `credstack --help`; `tests/test_docs.py` keeps it current.\n"]
    for path in commands(app, []):
        result = runner.invoke(
            app,
            [*path, "--help"],
            prog_name="credstack",
            env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
        )
        assert result.exit_code == 0, result.output
        text = re.sub(r"[ \t]+\n", "\n", result.stdout).strip()
        parts.append(f"## `{' '.join(['credstack', *path])}`\n\n```\n{text}\n```\n")
    return "\n".join(parts)


def test_cli_reference_is_current():
    path = ROOT / "docs" / "cli.md"
    expected = cli_reference()
    if os.environ.get("CREDSTACK_UPDATE_DOCS") == "1":
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: CREDSTACK_UPDATE_DOCS=1 pytest tests/test_docs.py"
    )


def test_readme_commands_are_make_targets():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("demo", "test"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
