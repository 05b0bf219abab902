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
        msg = f"{self.path}: {self.reason}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


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


class IndexBusyError(KbError):
    """Another ingest holds the index lock."""


class IndexMissingError(KbError):
    pass


class IndexDamagedError(KbError):
    """A file of the live generation is missing or unreadable (deleted or edited by hand)."""


class NotFoundError(KbError):
    """A document, section or term the user named does not exist."""


class AmbiguousRefError(KbError):
    def __init__(self, ref: str, candidates: list):
        self.ref = ref
        self.candidates = candidates
        super().__init__(f"{ref!r} is ambiguous: {len(candidates)} matches")


class QueryError(KbError):
    """A malformed query."""


class OutputExistsError(KbError):
    """An export would overwrite a file the user did not ask to replace."""
