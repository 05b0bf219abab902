"""The import layering of kb/, read from the source (lazy imports inside functions included):
shared text rules at the bottom, the parsing stages in data-path order, and a query path that
never pulls in the write path."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

KB = ROOT / "kb"
BASE = {"text", "model", "errors", "chars"}  # beneath every stage
DATA_PATH = ["extract", "clean", "structure", "metadata"]  # each may import only those before it
# A stage's own helpers: modules only that stage uses, each importing nothing above BASE.
HELPERS = {"extract": {"ocr", "content_parser", "page_objects", "font_repair", "rotation", "table_text", "char_device"},
           "clean": {"webchrome", "unruled"}, "structure": {"matter"}}
QUERY = ["search", "search_session", "query_cut", "query_analysis", "refs", "kwic", "lookup", "quote",
         "listing", "filters", "citation", "export", "opener", "glossary_view", "present_format"]
WRITE = {"ingest", "parse", "extract", "worker", "remove", "freshness"}


def _imports(module: str) -> dict[str, set[str]]:
    """kb module → {kb module: names imported}, leaving out imports only for type checkers."""
    tree = ast.parse((KB / f"{module}.py").read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
    out: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in typing_only:
            if node.module:
                out.setdefault(node.module.split(".")[0], set()).update(a.name for a in node.names)
            else:
                for a in node.names:
                    out.setdefault(a.name, set())
    return out


GRAPH = {p.stem: _imports(p.stem) for p in KB.glob("*.py") if p.stem != "__init__"}


def test_the_text_rules_import_nothing_of_kb():
    assert GRAPH["text"] == {}


def test_no_module_takes_a_private_name_of_another():
    private = [(m, dep, n) for m, deps in GRAPH.items() for dep, names in deps.items() for n in names
               if n.startswith("_") and dep != m]
    assert private == []


def test_the_parsing_stages_import_only_stages_before_them():
    for i, module in enumerate(DATA_PATH):
        allowed = BASE | set(DATA_PATH[:i]) | HELPERS.get(module, set())
        assert set(GRAPH[module]) - {module} <= allowed, (module, set(GRAPH[module]) - allowed)


def test_a_stages_helpers_stand_beneath_it():
    # ocr reads a stored document's cached pages back (kb.store) and marks them (kb.ocr_marks).
    beneath = {"ocr": BASE | {"store", "ocr_marks"}}
    for stage, helpers in HELPERS.items():
        for h in helpers:
            assert set(GRAPH[h]) - {h} <= beneath.get(h, BASE), (stage, h, set(GRAPH[h]) - beneath.get(h, BASE))


def test_the_query_path_never_reaches_the_write_path():
    for start in QUERY:
        seen, todo = set(), [start]
        while todo:
            m = todo.pop()
            if m in seen or m not in GRAPH:
                continue
            seen.add(m)
            todo.extend(GRAPH[m])
        assert not seen & WRITE, (start, seen & WRITE)
