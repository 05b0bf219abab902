"""Errors the library raises; cli.py turns each into a one-line message and an exit status.

Every error about an input file names the file, so a message read alone in a long ingest
log still says which file and why.
"""
from __future__ import annotations


class KbError(Exception):
    """Base class: anything the user can act on."""


class InputError(KbError):
    """A file that cannot be ingested. ``reason`` is the short, user-facing cause."""

    reason = "cannot be read"

    def __init__(self, path, detail: str | None = None):
        self.path = str(path)
        self.detail = detail
        msg = f"{shown(self.path)}: {self.reason}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)

    def __reduce__(self):
        # Raised in a worker process and sent back pickled: rebuild from (path, detail), not the message.
        return (type(self), (self.path, self.detail))


class MissingFileError(InputError):
    reason = "no such file or directory"


class EmptyFileError(InputError):
    reason = "empty file (0 bytes)"


class NotPdfError(InputError):
    reason = "not a PDF file"


class TruncatedPdfError(InputError):
    reason = "truncated or damaged PDF"


class EncryptedPdfError(InputError):
    reason = "encrypted PDF: a password is needed to open it"


class NoTextLayerError(InputError):
    reason = "no text layer (a scanned image); `kb ingest --ocr` reads it"


class OcrUnavailableError(NoTextLayerError):
    """``--ocr`` was asked for, but the OCR extra is not installed."""

    reason = "no text layer (a scanned image), and OCR cannot run: the OCR extra is not installed (pip install -e '.[ocr]')"


class GarbledTextError(InputError):
    reason = "garbled text layer (the font has no usable Unicode map); refused rather than indexing garbage"


class BudgetExceededError(InputError):
    reason = "over the per-file budget"


class _OverBudgetError(InputError):
    """A worker killed at a limit: the message names the limit (``amount``), in ``_amount_text``."""

    def __init__(self, path, amount):
        self.amount = amount
        super().__init__(path)
        self.args = (f"{shown(self.path)}: {self.reason}: {self._amount_text()}",)

    def _amount_text(self) -> str:
        raise NotImplementedError

    def __str__(self):
        return self.args[0]

    def __reduce__(self):
        return (type(self), (self.path, self.amount))


class TimeBudgetError(_OverBudgetError):
    """The worker parsing the file was killed at the wall-clock limit (``seconds``)."""

    reason = "over the time budget"

    @property
    def seconds(self) -> float:
        return self.amount

    def _amount_text(self) -> str:
        return f"{self.amount:g} s"


class MemoryBudgetError(_OverBudgetError):
    """The worker parsing the file ran out of its address-space limit (RLIMIT_AS, ``limit`` bytes)."""

    reason = "over the memory budget"

    @property
    def limit(self) -> int:
        return self.amount

    def _amount_text(self) -> str:
        return format_bytes(self.amount)


class ParserCrashError(InputError):
    """The worker died without an answer (a signal, a crash in a C extension)."""

    reason = "the PDF parser crashed on it"


class NotRegularFileError(InputError):
    reason = "not a regular file"


class UnreadableError(InputError):
    reason = "permission denied"


class UnreadableFolderError(InputError):
    reason = "folder cannot be read (permission denied); its PDFs were not ingested"


class IndexBusyError(KbError):
    """Another ingest holds the index lock."""

    def __init__(self, message: str, holder: str = "?"):
        self.holder = holder
        super().__init__(message)

    def holder_text(self) -> str:
        return f"the index is being updated by another ingest (pid {self.holder})"


class IndexMissingError(KbError):
    """No index at ``path`` (``what`` "index"), or one without its search index yet ("search index").

    The message states the fact; what to run about it is the caller's to say (cli.py)."""

    def __init__(self, path, what: str = "index"):
        self.path = str(path)
        self.what = what
        super().__init__(f"no index in {path}" if what == "index" else f"{path}: the index has no {what} yet")


class IndexDamagedError(KbError):
    """A file of the live generation is missing or unreadable (deleted or edited by hand).

    ``path`` names the file and ``reason`` what is wrong with it; ``what`` is the "index" or its
    "search index"; ``kind`` is "stored" for a stored file of the generation (a document, the
    manifest, terms.json: built again from the PDFs), "index" for the rest. An inner check raises
    it with a reason alone, and its caller raises it again naming the file.
    """

    def __init__(self, reason: str, path=None, what: str = "index", kind: str = "index"):
        self.reason = reason
        self.path = None if path is None else str(path)
        self.what = what
        self.kind = kind
        super().__init__(reason if path is None else f"{path}: the {what} is damaged ({reason})")


class NotFoundError(KbError):
    """A document, section or term the user named does not exist.

    ``what`` says what was looked for, so a caller can say where to look (cli.advised): "document",
    "section", "sentence", "file" (a PDF path no document was read from), "pdf" (the PDF of the
    indexed document ``ref`` is gone); None where there is nothing to add.
    """

    def __init__(self, message: str = "", what: str | None = None, ref: str | None = None):
        self.what = what
        self.ref = ref
        super().__init__(message)


class OptionError(KbError):
    """A value given for one of a call's options is refused.

    ``option`` is the keyword the library takes (page, sentence, issuer, limit, fmt); the message
    names it so, and a command line names its own flag for it (``text("--page")``, cli.advised).
    """

    def __init__(self, option: str, template: str, **data):
        self.option = option
        self.template = template  # "{option}" stands where the option is named
        self.data = data
        super().__init__(self.text(option))

    def text(self, name: str) -> str:
        return self.template.format(option=name, **self.data)

    def __reduce__(self):
        return (_option_error, (type(self), self.option, self.template, self.data))


def _option_error(cls, option, template, data):
    return cls(option, template, **data)


class OptionNotFoundError(OptionError, NotFoundError):
    """An option naming something that is not there (sentence 12 of a section of 3)."""


class AmbiguousRefError(KbError):
    def __init__(self, ref: str, candidates: list):
        self.ref = ref
        self.candidates = candidates
        super().__init__(f"{ref!r} is ambiguous: {len(candidates)} matches")


class QueryError(KbError):
    """A malformed query."""


class QueryOptionError(OptionError, QueryError):
    """An option of a query refused (an empty issuer, a limit below 1)."""


class QueryTooLongError(QueryError):
    """A query over the length cap: Whoosh's parser is quadratic in the query's length."""


class OutputExistsError(KbError):
    """An export would overwrite ``path``, a file the user did not ask to replace."""

    def __init__(self, path):
        self.path = str(path)
        super().__init__(f"{path}: already exists")


def shown(path) -> str:
    """A file name as one printable line: as it is, or repr-style when it holds a control character
    (a newline would split a one-line message) or bytes that are not UTF-8 (``\\xfe``)."""
    import os

    text = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if "\udc80" <= ch <= "\udcff":  # a byte os.fsdecode could not decode (surrogateescape)
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch == "\\" or ch == "'":
            out.append("\\" + ch)
        elif not ch.isprintable():
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def format_bytes(n: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"
