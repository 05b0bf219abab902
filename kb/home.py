"""Where the index and the corpus are when the user names neither.

In order, the first that applies decides:

1. ``--index DIR`` / ``$KB_INDEX`` (the index only; the corpus stays as below);
2. ``$KB_HOME``: ``$KB_HOME/index`` and ``$KB_HOME/corpus``, so ``kb`` answers from any folder;
3. the current folder, when it holds ``index/`` or ``corpus/`` (a checkout of this project);
4. the per-user data directory (XDG Base Directory spec: ``$XDG_DATA_HOME/policy-kb``, by
   default ``~/.local/share/policy-kb``; ``~/Library/Application Support/policy-kb`` on macOS).

``Home.looked_for`` says, in one line, where the tool looked, so an error about a missing
index run from the wrong folder tells the user what to set.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP = "policy-kb"


@dataclass(frozen=True)
class Home:
    index: str
    corpus: str
    source: str  # --index | KB_HOME | current folder | user data dir

    @property
    def looked_for(self) -> str:
        """Why these folders, in one phrase for an error message."""
        why = {"KB_HOME": "from KB_HOME",
               "current folder": "the current folder's index/ and corpus/",
               "user data dir": "the per-user data directory: this folder has no index/ or corpus/ and KB_HOME is not set",
               }.get(self.source, self.source)
        return f"index and corpus looked for in {Path(self.index).parent} ({why})"


def user_data_dir(env=None) -> Path:
    env = os.environ if env is None else env
    if sys.platform == "darwin":
        return Path(env.get("HOME", "~")).expanduser() / "Library" / "Application Support" / APP
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / APP


def locate(index: str | None = None, env=None, cwd: str | Path | None = None) -> Home:
    """The index and corpus to use; ``index`` is what --index / KB_INDEX gave, if anything."""
    env = os.environ if env is None else env
    here = Path(cwd or os.getcwd())
    kb_home = env.get("KB_HOME")
    if kb_home:
        home = Path(kb_home).expanduser()
        return Home(index or str(home / "index"), str(home / "corpus"), "--index option" if index else "KB_HOME")
    if (here / "index").is_dir() or (here / "corpus").is_dir():
        return Home(index or "index", "corpus", "--index option" if index else "current folder")
    data = user_data_dir(env)
    return Home(index or str(data / "index"), str(data / "corpus"), "--index option" if index else "user data dir")
