"""pdfminer's reading of a page's content stream, faster, with the same tokens, objects and layout.

pdfminer.six reads a content stream with a state machine: for every token, ``nexttoken`` calls
``_parse_main`` to find where the token starts, then a second method (``_parse_number``,
``_parse_keyword``, ``_parse_literal``) to find where it ends, each a Python call with its own
regex search and byte concatenation; ``nextobject`` then moves each operand through two stacks
(with three debug-log calls) before the interpreter pushes it onto a third and looks its operator
up by name. Web prints of ../shared/real draw every glyph with its own operators (~9 tokens a
character), and that path was most of their parse.

* ``FastContentParser._parse_main`` matches a whole number, operator, name, bracket, plain
  string or hex string (the glyph codes of ``[(a) -250 <0a1b>] TJ``) in one regex when the token and the byte that ends
  it lie in the buffer at hand, and builds the very token pdfminer would (same ``int``/``float``
  of the same bytes, the same interned ``KWD``/``LIT``, the same bytes, the same position).
  Anything else (strings with escapes, hex strings with spaces, ``#`` escapes in names, comments, a token cut
  by the end of the buffer, malformed numbers such as ``--5``) goes to pdfminer's own state
  machine unchanged.
* ``FastInterpreter.execute`` is pdfminer's, except that an operand read outside any array,
  dictionary or inline image goes straight onto the interpreter's stack and an operator's method
  is looked up once per class; every other token goes through the parser's ``nextobject`` steps.

Local, not a patch: pdfplumber builds its interpreter inside ``Page.layout`` from the class
``pdfminer.pdfinterp`` exports, so ``layout(page)`` here builds that same layout (same device,
same arguments) with ``FastInterpreter`` and caches it where ``Page.layout`` looks first
(``page._layout``). Only with the pdfminer and pdfplumber versions this was checked against;
with others, pdfplumber's own ``page.layout`` runs. tests/test_extract.py compares every token,
object and page object with pdfminer's and pdfplumber's own on real pages.
"""
from __future__ import annotations

import re
from functools import lru_cache

# The versions whose internals (PDFContentParser, PDFPageInterpreter.execute, Page.layout) the
# classes below were written against and compared with.
PDFMINER_VERSIONS = ("20260107",)
PDFPLUMBER_VERSIONS = ("0.11.10",)

_DELIM = rb"#/%\[\]()<>{}\s"  # pdfminer's END_KEYWORD / END_LITERAL class
_TOKEN = re.compile(
    rb"\s*(?:"  # the space before a token, skipped in the same match
    rb"([-+]?[0-9]+)(?=[^0-9.])"  # 1: an integer, ended by anything but a digit or a point
    rb"|([-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+))(?=[^0-9])"  # 2: a real with at least one digit
    rb"|([A-Za-z][^" + _DELIM + rb"]*)(?=[" + _DELIM + rb"])"  # 3: an operator (true/false too)
    rb"|/([^" + _DELIM + rb"]*)(?=[/%\[\]()<>{}\s])"  # 4: a name without # escapes
    rb"|<([0-9A-Fa-f]*)>(?=[^>])"  # 5: a hex string without spaces, not followed by > (that is >>)
    rb"|\(([^()\\]*)\)"  # 6: a string without escapes or parentheses
    rb"|([\[\]{}])"  # 7: an array's or a procedure's bracket, a keyword of one byte
    rb")"
)
_OPENED = (0, 0, 0, 0, 1, 1, 1, 0)  # by group: the byte before the group that the token starts at (/ < ()


@lru_cache(maxsize=1)
def classes():
    """(FastContentParser, FastInterpreter), or None when pdfminer/pdfplumber are not the versions
    checked, or pdfminer's debug log is on (our path leaves its debug lines out)."""
    import pdfminer
    import pdfplumber
    from pdfminer import pdfinterp, psparser

    if (pdfminer.__version__ not in PDFMINER_VERSIONS or pdfplumber.__version__ not in PDFPLUMBER_VERSIONS
            or psparser.log.isEnabledFor(10) or pdfinterp.log.isEnabledFor(10)):
        return None
    parser = _parser_class(pdfinterp.PDFContentParser, psparser)
    return parser, _interpreter_class(pdfinterp, psparser, parser)


def layout(page, device_class=None):
    """pdfplumber's ``page.layout`` (an ``LTPage``), read with the classes above when they apply;
    ``device_class``: one to use instead of pdfplumber's device (a subclass: kb/char_device.py)."""
    if hasattr(page, "_layout"):
        return page._layout
    fast = classes()
    if fast is None:
        return page.layout
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    # pdfplumber 0.11.10's Page.layout, with our interpreter class in place of pdfminer's.
    device = (device_class or PDFPageAggregatorWithMarkedContent)(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    interpreter = fast[1](page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:
        raise PdfminerException(e)
    page._layout = device.get_result()
    return page._layout


def _parser_class(base, psparser):
    KWD, LIT, PSEOF = psparser.KWD, psparser.LIT, psparser.PSEOF
    token_match = _TOKEN.match
    opened = _OPENED
    # pdfminer interns keywords and names (KWD, LIT: a method call each); the same objects are
    # looked up here in a dict first.
    keywords: dict = {b"true": True, b"false": False}
    names: dict = {}
    # What opens and closes an array, dictionary or procedure, and its type (PSStackParser's names).
    begin = {psparser.KEYWORD_ARRAY_BEGIN: "a", psparser.KEYWORD_DICT_BEGIN: "d", psparser.KEYWORD_PROC_BEGIN: "p"}
    end = {psparser.KEYWORD_ARRAY_END: "a", psparser.KEYWORD_PROC_END: "p"}

    class FastContentParser(base):
        def _parse_main(self, s: bytes, i: int) -> int:
            # Tokens are read on to the end of the buffer, but never past ``ID``: the bytes after
            # it are an inline image, which the parser reads raw from the stream (get_inline_data).
            add = self._tokens.append
            bufpos = self.bufpos
            start = i
            while True:
                t = token_match(s, i)
                if t is None:
                    # The state machine takes it from here (from the start: it skips the space too,
                    # and returns the buffer's end when only space is left).
                    return base._parse_main(self, s, i) if i == start else i
                n = t.lastindex
                j = t.start(n) - opened[n]
                text = t.group(n)
                if n == 1:
                    token = int(text)
                elif n == 2:
                    token = float(text)
                elif n == 3:
                    token = keywords.get(text)
                    if token is None:
                        token = keywords[text] = KWD(text)
                elif n == 5:
                    # pdfminer's HEX_PAIR rule: pairs of digits, and an odd last digit as a byte of its own.
                    if len(text) % 2:
                        token = bytes.fromhex(str(text[:-1], "ascii")) + bytes((int(text[-1:], 16),))
                    else:
                        token = bytes.fromhex(str(text, "ascii"))
                elif n == 6:
                    token = text
                elif n == 7:
                    token = keywords.get(text)
                    if token is None:
                        token = keywords[text] = KWD(text)
                else:
                    token = names.get(text)
                    if token is None:
                        try:
                            name = str(text, "utf-8")
                        except Exception:
                            name = text
                        token = names[text] = LIT(name)
                self._curtokenpos = bufpos + j
                add((self._curtokenpos, token))
                i = t.end()
                if n == 5:
                    self._curtokenpos = bufpos + i - 1  # pdfminer's state after a hex string: at its ">"
                if n == 3 and text == b"ID":
                    return i

        def nexttoken(self):
            # pdfminer's, less a debug-log call per token.
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

        def flush(self) -> None:
            # PDFContentParser.flush less add_results' debug-log call.
            self.results.extend(self.popall())

        def feed(self, pos: int, token) -> None:
            """One step of PSStackParser.nextobject (pdfminer 20260107) for ``token``, less its
            debug-log calls."""
            if isinstance(token, (int, float, bool, str, bytes, psparser.PSLiteral)):
                self.push((pos, token))
            elif token in begin:
                self.start_type(pos, begin[token])
            elif token in end:
                try:
                    self.push(self.end_type(end[token]))
                except psparser.PSTypeError:
                    if psparser.settings.STRICT:
                        raise
            elif token == psparser.KEYWORD_DICT_END:
                try:
                    (pos, objs) = self.end_type("d")
                    if len(objs) % 2 != 0:
                        raise psparser.PSSyntaxError(f"Invalid dictionary construct: {objs!r}")
                    d = {psparser.literal_name(k): v for (k, v) in psparser.choplist(2, objs) if v is not None}
                    self.push((pos, d))
                except psparser.PSTypeError:
                    if psparser.settings.STRICT:
                        raise
            elif isinstance(token, psparser.PSKeyword):
                self.do_keyword(pos, token)
            else:
                psparser.log.error("unknown token: pos=%r, token=%r, stack=%r", pos, token, self.curstack)
                self.do_keyword(pos, token)
                raise psparser.PSException
            if not self.context:
                self.flush()

        def nextobject(self):
            while not self.results:
                pos, token = self.nexttoken()
                self.feed(pos, token)
            return self.results.pop(0)

    FastContentParser.__name__ = FastContentParser.__qualname__ = "PDFContentParser"
    return FastContentParser


def _interpreter_class(pdfinterp, psparser, parser_class):
    PSKeyword, PSEOF = psparser.PSKeyword, psparser.PSEOF
    # What the parser itself acts on (arrays, dictionaries, procedures, inline images): fed to it.
    special = {psparser.KEYWORD_ARRAY_BEGIN, psparser.KEYWORD_ARRAY_END, psparser.KEYWORD_DICT_BEGIN,
               psparser.KEYWORD_DICT_END, psparser.KEYWORD_PROC_BEGIN, psparser.KEYWORD_PROC_END,
               parser_class.KEYWORD_BI, parser_class.KEYWORD_ID, parser_class.KEYWORD_EI}
    operand = {int, float, bool, str, bytes, psparser.PSLiteral}

    class FastInterpreter(pdfinterp.PDFPageInterpreter):
        _ops: dict = {}  # operator keyword → (unbound method or None, argument count): per class

        def execute(self, streams) -> None:
            # pdfminer 20260107's PDFPageInterpreter.execute: circular references refused the same way.
            log = pdfinterp.log
            valid_streams = []
            self.stream_ids.clear()
            for obj in streams:
                stream = pdfinterp.stream_value(obj)
                if stream.objid is None:
                    log.warning("Execute called on non-indirect object (inline image?) %r", stream)
                    continue
                if stream.objid in self.parent_stream_ids:
                    log.warning("Refusing to execute circular reference to content stream %d", stream.objid)
                else:
                    valid_streams.append(stream)
                    self.stream_ids.add(stream.objid)
            try:
                parser = parser_class(valid_streams)
            except PSEOF:
                return  # an empty page
            nexttoken, feed = parser.nexttoken, parser.feed
            argstack_push = self.push
            while True:
                if parser.results:
                    obj = parser.results.pop(0)[1]
                else:
                    try:
                        pos, token = nexttoken()
                    except PSEOF:
                        break
                    # Outside an array, dictionary or inline image, nextobject would push the
                    # token, flush it to its results and hand it back at once: done directly.
                    if parser.context or type(token) not in operand and (type(token) is not PSKeyword or token in special):
                        feed(pos, token)
                        continue
                    obj = token
                if isinstance(obj, PSKeyword):
                    self._run(obj)
                else:
                    argstack_push(obj)

        def _run(self, keyword) -> None:
            entry = self._ops.get(keyword)
            if entry is None:
                name = psparser.keyword_name(keyword)
                method = "do_{}".format(name.replace("*", "_a").replace('"', "_w").replace("'", "_q"))
                func = getattr(type(self), method, None)
                entry = (func, func.__code__.co_argcount - 1) if func is not None else (None, 0)
                if func is not None:
                    type(self)._ops = {**self._ops, keyword: entry}
            func, nargs = entry
            if func is None:
                if pdfinterp.settings.STRICT:
                    raise pdfinterp.PDFInterpreterError(f"Unknown operator: {psparser.keyword_name(keyword)!r}")
                return
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(self, *args)
            else:
                func(self)

    return FastInterpreter


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
