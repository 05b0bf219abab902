"""The README is the manual: its examples are what the tool prints, and every command is in it."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from cli import cli
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_examples_are_current_output():
    """`cog --check` reruns every example block; regenerate with `cog -r README.md`."""
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).splitlines()
    assert first_block[0].endswith(".venv/bin/kb search 离岸服务外包")
    test_command = first_block[1].split("&& ")[-1].replace(".venv/bin/python", '"$VENV/bin/python"')
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_a_readme_section(name):
    command = cli.commands[name]
    assert command.help and command.help.strip()
    assert f"### kb {name}\n" in README or f"## kb {name}\n" in README


def test_module_table_names_every_module_and_only_those():
    """The README's module table is the map of the code: each kb/*.py in it, and nothing gone."""
    table = re.search(r"^\| module \| holds \|\n(?:\|.*\n?)+", README, re.M).group()
    first_cells = re.findall(r"^\| ([^|]*) \|", table, re.M)
    named = {name for cell in first_cells for name in re.findall(r"`([\w/]+\.py)`", cell)}
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "kb").glob("*.py") if p.name != "__init__.py"} | {"cli.py"}
    assert named == on_disk, f"not in the table: {sorted(on_disk - named)}; no such file: {sorted(named - on_disk)}"
