"""`kb open REF`: the PDF a section comes from, opened at the section's page.

Which viewer, first that applies:

1. ``$KB_VIEWER``: a command line with ``{path}`` and ``{page}`` (``zathura -P {page} {path}``,
   ``evince -i {page} {path}``, ``okular -p {page} {path}``, ``firefox file://{path}#page={page}``);
   ``{url}`` is ``file:///…pdf#page=N``, the PDF open-parameters form (Adobe, "Parameters for
   Opening PDF Files") that browsers' viewers honour;
2. ``open`` on macOS, ``xdg-open`` elsewhere when a display is set (``$DISPLAY`` or
   ``$WAYLAND_DISPLAY``): neither passes a page to the viewer, so the page is said beside;
3. none: nothing is launched and the path and page are the answer (a server, ssh, a test).

The viewer is started detached (its own session, output discarded) so ``kb`` returns at once.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import KbError, NotFoundError, OptionError


@dataclass(frozen=True)
class Opened:
    path: str
    page: int
    argv: tuple[str, ...] | None  # the command run; None when nothing was launched
    note: str | None  # what the user should know (the page to go to, why nothing opened)


def viewer_command(path: str, page: int, env=None, platform: str | None = None, which=shutil.which):
    """(argv or None, note) for opening ``path`` at ``page``; nothing is run here."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    url = Path(path).as_uri() + f"#page={page}"
    template = env.get("KB_VIEWER")
    if template:
        try:
            words = shlex.split(template)
        except ValueError as e:
            raise KbError(f"KB_VIEWER {template!r}: cannot read it as a command ({e})") from None
        if not words:
            raise KbError("KB_VIEWER is empty: give a command such as 'zathura -P {page} {path}'")
        if not any("{path}" in w or "{url}" in w for w in words):
            words.append("{path}")
        return [w.format(path=path, page=page, url=url) for w in words], None
    if platform == "darwin" and which("open"):
        return ["open", path], f"go to page {page} (open cannot pass a page; set KB_VIEWER to a viewer that can)"
    if (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")) and which("xdg-open"):
        return ["xdg-open", path], f"go to page {page} (xdg-open cannot pass a page; set KB_VIEWER to a viewer that can)"
    return None, "no viewer: no display, or no xdg-open/open (set KB_VIEWER to choose one)"


def open_ref(index_dir, ref: str, *, doc: str | None = None, page: int | None = None, launch: bool = True,
             env=None) -> Opened:
    """Resolve ``ref`` (kb.refs), then open its PDF at ``page`` or the section's first page."""
    from .refs import resolve_ref
    from .store import Store

    snap = Store(index_dir).snapshot()
    target = resolve_ref(snap, ref, doc)
    path = snap.manifest[target.document.id]["path"]
    if not os.path.exists(path):
        raise NotFoundError(f"{path}: the PDF of {target.document.id} is gone", what="pdf", ref=target.document.id)
    first = target.section.pages[0] if target.section else 1
    if page is not None and not 1 <= page <= target.document.page_count:
        raise OptionError("page", "{option} {page}: {doc} has pages 1-{count}", page=page, doc=target.document.id,
                          count=target.document.page_count)
    page = page or first
    if not launch:
        return Opened(path, page, None, None)
    argv, note = viewer_command(path, page, env)
    if argv is None:
        return Opened(path, page, None, note)
    try:
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError as e:
        raise KbError(f"cannot start the viewer {argv[0]!r}: {e.strerror or e}") from None
    return Opened(path, page, tuple(argv), note)
