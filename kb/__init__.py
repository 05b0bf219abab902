"""policy-kb as a library: one function per job, imported lazily so `import kb` stays cheap.

    ingest(paths, index_dir)                    -> IngestReport      (kb.ingest)
    open_document(index_dir, ref)               -> Document          (kb.store)
    search_sections(index_dir, query, ...)      -> SearchResult      (kb.search)
    lookup_term(terms, query, mode)             -> list[Match]       (kb.lookup; terms from kb.glossary.load_terms)
    find_keyword(index_dir, words, ...)         -> KwicResult        (kb.kwic)
    export_section(index_dir, ref, fmt=...)     -> Exported          (kb.export)

Errors are ``kb.errors.KbError`` subclasses; nothing here prints.
"""
from importlib import import_module

_API = {
    "ingest": ("kb.ingest", "ingest"),
    "open_document": ("kb.store", "open_document"),
    "search_sections": ("kb.search", "search"),
    "lookup_term": ("kb.lookup", "lookup"),
    "find_keyword": ("kb.kwic", "lookup"),
    "export_section": ("kb.export", "export"),
}

__all__ = list(_API)


def __getattr__(name):
    # Deferred so `kb --help` and `kb glossary` never pay for pdfplumber, jieba or Whoosh.
    if name in _API:
        module, attr = _API[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")
