"""pdfplumber's ``Page.objects`` built with a fast path for characters, identical dicts.

pdfplumber 0.11.10 turns every pdfminer ``LTChar`` into a dict through ``Page.process_object``:
a regex on the class name, ``resolve_all`` (a recursive walk with isinstance checks) on each of
the ~15 attributes, and ``resolve_and_decode`` of the colour-space name. On the 234-page code of
../shared/real that was 36 % of the whole parse, more than pdfminer's own reading of the content
streams. Characters are nearly all of a page's objects, and their attributes are plain floats,
strings and tuples of floats, which ``resolve_all`` returns unchanged; so they are copied here
and only anything else goes through ``resolve_all``. Every other object (rects, lines, curves,
images) still goes through pdfplumber's own ``process_object``. tests/test_extract.py checks the
dicts equal pdfplumber's, key order included, on real pages.
"""
from __future__ import annotations

from functools import lru_cache


def parse_objects(page) -> dict[str, list[dict]]:
    """What ``page.parse_objects()`` returns (pdfplumber.page.Page), faster."""
    from pdfminer.layout import LTChar, LTContainer
    from pdfplumber.page import ALL_ATTRS
    from pdfplumber.utils.pdfinternals import resolve_all

    laparams = page.pdf.laparams is not None
    norm = page.pdf.unicode_norm
    page_number = page.page_number
    mb_x0, mb_top = page.mediabox[:2]
    height = page.height
    doctop0 = page.initial_doctop
    plain = frozenset((float, int, str, bool, type(None)))
    is_plain = plain.__contains__

    def char(obj) -> dict:
        attr = {}
        for k, v in obj.__dict__.items():
            if k in ALL_ATTRS:
                t = type(v)
                # map() keeps the test of a tuple's items (the matrix) in C: a generator per
                # character was a fifth of this function's time.
                if t in plain or (t is tuple and all(map(is_plain, map(type, v)))):
                    attr[k] = v
                else:
                    attr[k] = resolve_all(v)
        attr["object_type"] = "char"
        attr["page_number"] = page_number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _decoded(getattr(obj, cs).name)
        text = obj._text  # LTChar.get_text() returns it
        if norm is not None:
            from pdfplumber.utils.text import normalize_unicode  # pdfplumber's own, as process_object

            text = normalize_unicode(norm, text)
        attr["text"] = text
        gs = obj.graphicstate
        attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
        attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
        if isinstance(attr["fontname"], bytes):
            from pdfplumber.page import fix_fontname_bytes

            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        if "y0" in attr:
            attr["top"] = (height - attr["y1"]) + mb_top
            attr["bottom"] = (height - attr["y0"]) + mb_top
            attr["doctop"] = doctop0 + attr["top"]
        if "x0" in attr and mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        return attr

    objects: dict[str, list[dict]] = {}

    def walk(items) -> None:
        for obj in items:
            if isinstance(obj, LTContainer):
                if laparams:
                    add(page.process_object(obj))
                walk(obj._objs)
            elif type(obj) is LTChar:
                add(char(obj))
            else:
                add(page.process_object(obj))

    def add(attr: dict) -> None:
        kind = attr["object_type"]
        if kind != "anno":  # pdfplumber leaves these out too
            objects.setdefault(kind, []).append(attr)

    walk(page.layout._objs)
    return objects


@lru_cache(maxsize=256)
def _decoded_str(name: str):
    from pdfplumber.utils.pdfinternals import resolve_and_decode

    return resolve_and_decode(name)


def _decoded(name):
    # A colour-space name is one of a handful per file: decode each once (a pure function of a str).
    if type(name) is str:
        return _decoded_str(name)
    from pdfplumber.utils.pdfinternals import resolve_and_decode

    return resolve_and_decode(name)


def objects(page) -> dict[str, list[dict]]:
    """``page.objects``, parsed by ``parse_objects`` and cached on the page as pdfplumber does."""
    if not hasattr(page, "_objects"):
        page._objects = parse_objects(page)
    return page._objects
