"""pdfminer's content-stream tokenizer with a one-step path for numbers, operators and names.

pdfminer.six reads a content stream with a state machine: for every token, ``nexttoken`` calls
``_parse_main`` to find where the token starts, then a second method (``_parse_number``,
``_parse_keyword``, ``_parse_literal``) to find where it ends, each a Python call with its own
regex search and byte concatenation. Web prints of ../shared/real draw every glyph with its own
operators (~9 tokens a character), and that tokenizer was about half the time of their parse.

Here ``_parse_main`` matches a whole number, operator or name in one regex when the token and
the byte that ends it lie in the buffer at hand, and builds the very token pdfminer would (same
``int``/``float`` of the same bytes, the same interned ``KWD``/``LIT``, the same position).
Anything else (strings, hex strings, ``#`` escapes in names, comments, a token cut by the end of
the buffer, malformed numbers such as ``--5``) goes to pdfminer's own state machine unchanged,
so the two can only differ where the fast path's regex is wrong; tests/test_extract.py compares
every token of real content streams with pdfminer's.
"""
from __future__ import annotations

import re

_DELIM = rb"#/%\[\]()<>{}\s"  # pdfminer's END_KEYWORD / END_LITERAL class
_TOKEN = re.compile(
    rb"([-+]?[0-9]+)(?=[^0-9.])"  # 1: an integer, ended by anything but a digit or a point
    rb"|([-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+))(?=[^0-9])"  # 2: a real with at least one digit
    rb"|([A-Za-z][^" + _DELIM + rb"]*)(?=[" + _DELIM + rb"])"  # 3: an operator (true/false too)
    rb"|/([^" + _DELIM + rb"]*)(?=[/%\[\]()<>{}\s])"  # 4: a name without # escapes
)
_NONSPACE = re.compile(rb"\S")

_installed = False
original = None  # pdfminer's own class, once replaced


def install() -> None:
    """Make pdfminer's interpreter read content streams with the fast tokenizer (idempotent).

    Left as it is when pdfminer's internals are not the ones this was written against.
    """
    global _installed, original
    if _installed:
        return
    _installed = True
    from pdfminer import pdfinterp, psparser

    base = pdfinterp.PDFContentParser
    if psparser.log.isEnabledFor(10) or not hasattr(base, "_parse_main") or (psparser.END_KEYWORD.pattern, psparser.END_LITERAL.pattern,
                                            psparser.END_NUMBER.pattern, psparser.NONSPC.pattern) != (
            rb"[#/%\[\]()<>{}\s]", rb"[#/%\[\]()<>{}\s]", rb"[^0-9]", rb"\S"):
        return
    original = base
    pdfinterp.PDFContentParser = _fast_class(base, psparser.KWD, psparser.LIT, psparser.PSEOF)


def _fast_class(base, KWD, LIT, PSEOF):
    token_match = _TOKEN.match
    nonspace = _NONSPACE.search

    class FastContentParser(base):
        def _parse_main(self, s: bytes, i: int) -> int:
            # Numbers and names are read on up to the next operator, which ends the run: an
            # operator is where the interpreter acts (``ID`` reads inline image bytes from here).
            m = nonspace(s, i)
            if not m:
                return len(s)
            j = m.start()
            t = token_match(s, j)
            if t is None:
                return base._parse_main(self, s, i)
            add = self._tokens.append
            bufpos = self.bufpos
            while True:
                n = t.lastindex
                text = t.group(n)
                if n == 1:
                    token = int(text)
                elif n == 2:
                    token = float(text)
                elif n == 3:
                    token = True if text == b"true" else False if text == b"false" else KWD(text)
                else:
                    try:
                        name = str(text, "utf-8")
                    except Exception:
                        name = text
                    token = LIT(name)
                self._curtokenpos = bufpos + j
                add((self._curtokenpos, token))
                i = t.end()
                if n == 3:
                    return i
                m = nonspace(s, i)
                if not m:
                    return len(s)
                j = m.start()
                t = token_match(s, j)
                if t is None:
                    return i  # the state machine takes it from here

        def nexttoken(self):
            # pdfminer's, less a debug-log call per token (install() checks it is off).
            if self.eof:
                raise PSEOF("Unexpected EOF")
            tokens = self._tokens
            while not tokens:
                try:
                    changed_stream = self.fillbuf()
                    if changed_stream and self._curtoken:
                        self._parse1(b"\n", 0)
                    else:
                        self.charpos = self._parse1(self.buf, self.charpos)
                except PSEOF:
                    self.charpos = self._parse1(b"\n", 0)
                    self.eof = True
                    if not tokens:
                        raise
            return tokens.pop(0)

    FastContentParser.__name__ = FastContentParser.__qualname__ = "PDFContentParser"
    return FastContentParser


def tokens(parser_class, streams) -> list:
    """Every (position, token) ``parser_class`` reads from ``streams``: what the tests compare."""
    from pdfminer.psparser import PSEOF

    p = parser_class(streams)
    out = []
    while True:
        try:
            out.append(p.nexttoken())
        except PSEOF:
            return out
