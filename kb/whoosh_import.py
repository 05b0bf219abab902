"""Import Whoosh without the network code its compat module pulls in.

whoosh.compat runs ``from urllib.request import urlretrieve`` when it is imported, for fetching
WordNet files, which policy-kb never does; urllib.request brings in http.client, email and
ssl: ~30 ms of every one-shot ``kb search``. While Whoosh is first imported, a stand-in answers
that one import, and it is taken out of ``sys.modules`` right after, so any later
``import urllib.request`` in the process gets the real module. Nothing of Whoosh is patched.

whoosh.lang.morph_en (English word variations, for a query type policy-kb never builds) compiles
some hundred regular expressions when imported: about a tenth of a one-shot search's start-up.
whoosh.query imports its ``variations`` by name, so it gets a stand-in that imports the real
module the first time it is called; the stand-in too leaves ``sys.modules`` right after.
"""
from __future__ import annotations

import sys
import types


def _no_download(*_args, **_kwargs):
    raise RuntimeError("Whoosh's download helper is not available in policy-kb")


def _variations(word):
    import importlib

    return importlib.import_module("whoosh.lang.morph_en").variations(word)


def load() -> None:
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stub = types.ModuleType("urllib.request")
    stub.urlretrieve = _no_download
    morph = types.ModuleType("whoosh.lang.morph_en")
    morph.variations = _variations
    stubs = {"urllib.request": stub, "whoosh.lang.morph_en": morph}
    for name, module in stubs.items():
        sys.modules.setdefault(name, module)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query  # noqa: F401  (binds morph_en.variations: the stand-in's)
    finally:
        for name, module in stubs.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


load()
