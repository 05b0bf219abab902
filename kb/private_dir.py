"""A cache folder only this user can have written: what jieba loads from it is trusted.

jieba keeps its parsed dictionary as a marshal file and loads it back without checks; in a
shared $TMPDIR, a ``policy-kb-<uid>`` folder made in advance by another user (or a symlink to
one) handed us their crafted cache. The folder is used only if it is a real directory (not a
symlink), owned by this user, and closed to others (0700); otherwise a fresh private one is made.
"""
from __future__ import annotations

import os
import stat
import tempfile


def _ours(path: str) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        return False
    if st.st_mode & 0o077:
        try:
            os.chmod(path, 0o700, follow_symlinks=False)
        except (OSError, NotImplementedError):
            return False
    return True


def cache_dir() -> str:
    """$XDG_CACHE_HOME/policy-kb, else $TMPDIR/policy-kb-<uid>; a fresh private folder when that is not safely ours."""
    if os.environ.get("XDG_CACHE_HOME"):
        path = os.path.join(os.environ["XDG_CACHE_HOME"], "policy-kb")
    else:
        path = os.path.join(tempfile.gettempdir(), f"policy-kb-{os.getuid()}")
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return tempfile.mkdtemp(prefix=f"policy-kb-{os.getuid()}-")
    return path if _ours(path) else tempfile.mkdtemp(prefix=f"policy-kb-{os.getuid()}-")
