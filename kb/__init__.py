"""policy-kb as a library: one function per command, imported lazily so `import kb` stays cheap.

    ingest(paths, index_dir, exclude=())       -> IngestReport   kb ingest   (kb.ingest)
    list_documents(index_dir, ...)             -> Listing        kb docs     (kb.listing)
    open_document(index_dir, ref)              -> Document       kb outline  (kb.refs)
    lookup_term(index_dir, query, mode=...)    -> list[Match]    kb glossary (kb.lookup)
    find_keyword(index_dir, words, ...)        -> KwicResult     kb keyword  (kb.kwic)
    export_section(index_dir, ref, fmt=...)    -> Exported       kb export   (kb.export)
    search_sections(index_dir, query, ...)     -> SearchResult   kb search   (kb.search)
    open_source(index_dir, ref, launch=...)    -> Opened         kb open     (kb.opener)
    remove_documents(index_dir, refs, ...)     -> RemoveReport   kb remove   (kb.remove)
    quote_sentence(index_dir, text, doc=...)   -> Quote          kb quote    (kb.quote)
    cite(document, section=None)               -> Citation       (kb.citation)

Paths may be ``str`` or ``pathlib.Path``. Errors are ``kb.errors.KbError`` subclasses; nothing
here prints.

``kb.ingest(...)`` works on every access: importing the module ``kb/ingest.py`` (which any
ingest does) replaces the package attribute with the module, so a plain re-export would work
once and then fail with "module is not callable"; the module is made callable instead (and
``kb.ingest.PARSER_VERSION`` or ``from kb.ingest import …`` still reach the module).
"""
import sys
import types
from importlib import import_module

_API = {
    "ingest": ("kb.ingest", "ingest"),
    "list_documents": ("kb.listing", "list_documents"),
    "open_document": ("kb.refs", "open_document"),
    "lookup_term": ("kb.lookup", "lookup_in_index"),
    "find_keyword": ("kb.kwic", "lookup"),
    "export_section": ("kb.export", "export"),
    "search_sections": ("kb.search", "search"),
    "open_source": ("kb.opener", "open_ref"),
    "remove_documents": ("kb.remove", "remove_documents"),
    "quote_sentence": ("kb.quote", "quote"),
    "cite": ("kb.citation", "cite"),
}

__all__ = list(_API)


def __getattr__(name):
    # Deferred so `kb --help` and `kb glossary` never pay for pdfplumber, jieba or Whoosh.
    if name == "ingest":  # the module, made callable by _Package.__setattr__ as it is imported
        import_module("kb.ingest")
        return sys.modules[__name__].__dict__["ingest"]
    if name in _API:
        module, attr = _API[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'kb' has no attribute {name!r}")


class _CallableModule(types.ModuleType):
    """The module kb/ingest.py, callable as its ``ingest`` function."""

    def __call__(self, *args, **kwargs):
        return self.ingest(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name, value):
        # The import system sets kb.ingest to the module after loading it: make that module
        # callable, so kb.ingest(...) works, and kb.ingest.PARSER_VERSION (monkeypatch, tests) too.
        if name == "ingest" and isinstance(value, types.ModuleType):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
