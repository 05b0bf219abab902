"""Run README examples for cog: `cog -r README.md` rewrites them, `cog --check` (tests/test_docs.py)
fails when the README no longer shows what the tool prints.

Examples run in a scratch directory holding a link to the bundled corpus/, so paths print as a
user in a fresh checkout sees them ("corpus/…", "index").
"""
from __future__ import annotations

import os
import shlex
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRATCH: Path | None = None


def scratch() -> Path:
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = Path(tempfile.mkdtemp(prefix="kb-readme-"))
        (_SCRATCH / "corpus").symlink_to(ROOT / "corpus")
    return _SCRATCH


@contextmanager
def _cwd(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run(command: str, lang: str = "console", index: str = "index") -> str:
    """Markdown for ``$ kb …`` and its output (stdout and stderr, as a terminal shows them)."""
    from click.testing import CliRunner

    from cli import cli

    args = shlex.split(command)
    assert args[0] == "kb"
    env = {"KB_INDEX": index, "NO_COLOR": "1"}
    with _cwd(scratch()):
        result = CliRunner().invoke(cli, args[1:], env=env, prog_name="kb", catch_exceptions=False)
    # Absolute paths (kb docs, --json "path") would differ per checkout: show them as ~/policy-kb.
    body = result.output.replace(str(ROOT), "~/policy-kb").replace(str(scratch()), "~/policy-kb")
    if not body.endswith("\n"):
        body += "\n"
    status = f"(exit status {result.exit_code})\n" if result.exit_code else ""
    return f"```{lang}\n$ {command}\n{body}{status}```\n"


def help_text(command: str) -> str:
    return run(f"kb {command} --help".replace("kb  --help", "kb --help"))
