"""kb/__init__: the library's names, resolved lazily, each the same object on every access."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_kb_ingest_is_one_object_from_the_first_access_on():
    # A fresh interpreter: in this one some test has already imported kb.ingest.
    code = (
        "import kb\n"
        "first = kb.ingest\n"
        "second = kb.ingest\n"
        "import kb.ingest as module\n"
        "from kb.ingest import PARSER_VERSION\n"
        "assert first is second is module is sys.modules['kb.ingest'], (first, second, module)\n"
        "assert callable(first) and first.PARSER_VERSION == PARSER_VERSION\n"
    )
    r = subprocess.run([sys.executable, "-c", "import sys\n" + code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_api_name_resolves_to_its_module_function():
    import importlib

    import kb

    for name, (module, attr) in kb._API.items():
        if name == "ingest":
            continue  # the module itself, made callable: above
        assert getattr(kb, name) is getattr(importlib.import_module(module), attr), name
