"""Opening a Whoosh index without letting its files run code.

Whoosh 2.7.4 keeps the schema and the segment list in its TOC file as pickles, and unpickles them
as soon as an index is opened (``TOC.read``, and ``exists_in`` / ``FileIndex.__init__`` read it
too). A pickle can name any callable, so a crafted ``index/`` folder ran code on the first
``kb search``. Here the TOC is read by a subclass whose unpickler resolves only the classes a
schema and its segments are made of (the ``find_class`` pattern of the Python documentation,
"Restricting Globals"): Whoosh's field, format, column, analysis and codec classes, the
tokenizers of kb.index, and a few builtins. Anything else is ``IndexDamagedError``. The stock
``whoosh.index`` module is not patched: this only changes how *our* opening reads the TOC.
"""
from __future__ import annotations

import io
import pickle
from pathlib import Path

from . import whoosh_import  # noqa: F401  (first: Whoosh without urllib, see there)
from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.index import _CURRENT_TOC_VERSION, TOC, EmptyIndexError, FileIndex, IndexVersionError

from .errors import IndexDamagedError

# Modules whose *classes* a schema or a segment list may instantiate; functions never.
_CLASS_MODULES = ("whoosh.fields", "whoosh.formats", "whoosh.columns", "whoosh.analysis.",
                  "whoosh.analysis", "whoosh.codec.whoosh3", "whoosh.codec.base", "whoosh.lang.")
_BUILTINS = {("builtins", n) for n in ("int", "float", "str", "bytes", "set", "frozenset", "list", "dict", "tuple", "object", "bool")}
_BUILTINS |= {("__builtin__", "long"), ("__builtin__", "unicode"), ("__builtin__", "set"), ("__builtin__", "frozenset"),
              ("collections", "defaultdict"), ("collections", "OrderedDict"), ("copyreg", "_reconstructor"),
              ("copy_reg", "_reconstructor"), ("array", "array"), ("array", "_array_reconstructor")}


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _BUILTINS:
            return super().find_class(module, name)
        if module.startswith(_CLASS_MODULES) or module.startswith("kb."):
            obj = super().find_class(module, name)
            if isinstance(obj, type) and (not module.startswith("kb.") or _is_analysis(obj)):
                return obj
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in an index file")


def _is_analysis(cls) -> bool:
    from whoosh.analysis import Composable

    return issubclass(cls, Composable)


def loads(data: bytes):
    return RestrictedUnpickler(io.BytesIO(data)).load()


class SafeTOC(TOC):
    @classmethod
    def read(cls, storage, indexname, gen=None, schema=None):
        # TOC.read of Whoosh 2.7.4, with the two pickles read by RestrictedUnpickler.
        if gen is None:
            gen = cls._latest_generation(storage, indexname)
            if gen < 0:
                raise EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
        stream = storage.open_file(cls._filename(indexname, gen))
        try:
            sizes = [stream.read_varint() for _ in range(3)]
            if sizes != [windex._INT_SIZE, windex._LONG_SIZE, windex._FLOAT_SIZE] or stream.read_int() != -12345:
                raise IndexDamagedError("not a TOC written on this architecture")
            version = stream.read_int()
            release = (stream.read_varint(), stream.read_varint(), stream.read_varint())
            if version != _CURRENT_TOC_VERSION:
                raise IndexVersionError(f"Can't read format {version}", version)
            if schema:
                stream.skip_string()
            else:
                schema = loads(stream.read_string())
            schema = windex.ensure_schema(schema)
            if stream.read_int() != gen:
                raise IndexDamagedError("the TOC names another generation")
            stream.read_int()  # unused
            segments = RestrictedUnpickler(stream.file).load()
        finally:
            stream.close()
        return cls(schema, segments, gen, version=version, release=release)


class SafeFileIndex(FileIndex):
    def __init__(self, storage, schema=None, indexname=windex._DEF_INDEX_NAME):
        if not isinstance(storage, Storage):
            raise ValueError(f"{storage!r} is not a Storage object")
        self.storage = storage
        self._schema = windex.ensure_schema(schema) if schema else None
        self.indexname = indexname
        self._read_toc()  # as FileIndex does: fail now, not at the first search

    def _read_toc(self):
        return SafeTOC.read(self.storage, self.indexname, schema=self._schema)


def exists_in(path) -> bool:
    """``whoosh.index.exists_in`` without unpickling anything (it opens the index to answer)."""
    path = Path(path)
    if not path.is_dir():
        return False
    return TOC._latest_generation(FileStorage(str(path), readonly=True), windex._DEF_INDEX_NAME) > -1


def open_dir(path, index_class=None):
    """The Whoosh index in ``path``, read-only; ``IndexDamagedError`` naming the folder if it cannot be.

    ``index_class``: a subclass of SafeFileIndex to open it with (kb.whoosh_compat.KbFileIndex)."""
    try:
        return (index_class or SafeFileIndex)(FileStorage(str(path), readonly=True))
    except IndexDamagedError as err:
        raise IndexDamagedError(err.reason, path, what="search index") from None
    except Exception as err:  # noqa: BLE001 - truncated, garbage or crafted TOC: all the same to the user
        raise IndexDamagedError(type(err).__name__, path, what="search index") from None
