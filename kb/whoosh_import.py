"""Import Whoosh without the network code its compat module pulls in.

whoosh.compat runs ``from urllib.request import urlretrieve`` when it is imported, for fetching
WordNet files, which policy-kb never does; urllib.request brings in http.client, email and
ssl: ~30 ms of every one-shot ``kb search``. While Whoosh is first imported, a stand-in answers
that one import, and it is taken out of ``sys.modules`` right after, so any later
``import urllib.request`` in the process gets the real module. Nothing of Whoosh is patched.
"""
from __future__ import annotations

import sys
import types


def _no_download(*_args, **_kwargs):
    raise RuntimeError("Whoosh's download helper is not available in policy-kb")


def load() -> None:
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stub = types.ModuleType("urllib.request")
    stub.urlretrieve = _no_download
    sys.modules["urllib.request"] = stub
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stub:
            del sys.modules["urllib.request"]


load()
