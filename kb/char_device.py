"""pdfplumber's layout device with pdfminer's glyph loop in one function: the same ``LTChar``s.

For every glyph of a text string, pdfminer 20260107 (``PDFTextDevice.render_string_horizontal``)
translates the text matrix, calls pdfplumber's ``render_char``, which calls pdfminer's, which
looks the glyph up three times in the font (``to_unichr`` with a debug-log call in the CMap,
``char_width``, ``char_disp``), builds an ``LTChar`` through four constructors and five matrix
calls, appends it, and pdfplumber then tags it with the marked-content id. That was about a
fifth of a parse of ../shared/real (436k glyphs). Here the loop does the same steps in place:

* a glyph's (text, width, displacement) is computed by the font's own methods once per font and
  glyph code in a page, and reused: they are pure functions of the font (a code without Unicode
  still goes to ``handle_undefined_char`` each time, as pdfminer does);
* the ``LTChar`` gets the same attributes, set in the same order (pdfplumber's dicts follow
  that order), from the same arithmetic in the same order, so every float is the same.

Vertical fonts, strings of anything but numbers and bytes, a container other than a page or a
figure, and a run with pdfminer's debug log on take pdfminer's own path. tests/test_extract.py
compares every page object of our layout with pdfplumber's own reading on real pages.
"""
from __future__ import annotations

import logging
from functools import lru_cache

# The versions whose render_string_horizontal, render_char, LTChar and tag_cur_item this repeats.
PDFMINER_VERSIONS = ("20260107",)
PDFPLUMBER_VERSIONS = ("0.11.10",)


@lru_cache(maxsize=1)
def device_class():
    """pdfplumber's ``PDFPageAggregatorWithMarkedContent`` with the glyph loop above, or None when
    pdfminer/pdfplumber are not the versions checked or pdfminer's debug log is on (our loop
    leaves out its per-glyph debug lines)."""
    import pdfminer
    import pdfplumber
    from pdfminer import cmapdb, converter, pdffont
    from pdfminer.layout import LTChar, LTContainer, LTFigure, LTPage
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    if (pdfminer.__version__ not in PDFMINER_VERSIONS or pdfplumber.__version__ not in PDFPLUMBER_VERSIONS
            or any(m.log.isEnabledFor(logging.DEBUG) for m in (cmapdb, converter, pdffont))):
        return None
    base = PDFPageAggregatorWithMarkedContent
    new_char = LTChar.__new__
    plain_add = LTContainer.add

    class FastCharDevice(base):
        _glyphs: dict | None = None  # font → {code: (text, width, displacement)}: per device (page)

        def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace, wordspace,
                                     rise, dxscale, ncs, graphicstate):
            item_list = self.cur_item
            if (font.is_vertical() or type(item_list) not in (LTPage, LTFigure) or type(item_list).add is not plain_add
                    or any(type(o) not in (int, float, bytes) for o in seq)):
                return base.render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace,
                                                     wordspace, rise, dxscale, ncs, graphicstate)
            if self._glyphs is None:
                self._glyphs = {}
            glyphs = self._glyphs.setdefault(font, {})
            objs = item_list._objs
            mcid, tag = self.cur_mcid, self.cur_tag
            fontname = font.fontname
            descent = font.get_descent() * fontsize  # LTChar's horizontal box, for every glyph alike
            a, b, c, d, e, f = matrix
            upright = a * d * scaling > 0 and b * c <= 0
            (x, y) = pos
            needcharspace = False
            for obj in seq:
                if type(obj) is not bytes:  # int or float (checked above)
                    x -= obj * dxscale
                    needcharspace = True
                    continue
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    # utils.translate_matrix(matrix, (x, y))
                    m = (a, b, c, d, x * a + y * c + e, x * b + y * d + f)
                    glyph = glyphs.get(cid)
                    if glyph is None:
                        # converter.PDFLayoutAnalyzer.render_char's look-ups
                        try:
                            text = font.to_unichr(cid)
                            assert isinstance(text, str), str(type(text))
                            known = True
                        except PDFUnicodeNotDefined:
                            text, known = None, False
                        glyph = (text, font.char_width(cid), font.char_disp(cid))
                        if known:
                            glyphs[cid] = glyph
                    text, textwidth, _disp = glyph
                    if text is None:
                        text = self.handle_undefined_char(font, cid)
                    # LTChar.__init__ (horizontal), attribute by attribute in its order
                    item = new_char(LTChar)
                    item._text = text
                    item.matrix = m
                    item.fontname = fontname
                    item.ncs = ncs
                    item.graphicstate = graphicstate
                    adv = item.adv = textwidth * fontsize * scaling
                    item.upright = upright
                    # utils.apply_matrix_rect(m, (0, descent + rise, adv, descent + rise + fontsize))
                    bx0, by0, bx1, by1 = 0, descent + rise, adv, descent + rise + fontsize
                    me, mf = m[4], m[5]
                    left1, bottom1 = a * bx0 + c * by0 + me, b * bx0 + d * by0 + mf
                    right1, bottom2 = a * bx1 + c * by0 + me, b * bx1 + d * by0 + mf
                    right2, top1 = a * bx1 + c * by1 + me, b * bx1 + d * by1 + mf
                    left2, top2 = a * bx0 + c * by1 + me, b * bx0 + d * by1 + mf
                    x0 = min(left1, left2, right1, right2)
                    y0 = min(bottom1, bottom2, top1, top2)
                    x1 = max(left1, left2, right1, right2)
                    y1 = max(bottom1, bottom2, top1, top2)
                    if x1 < x0:
                        (x0, x1) = (x1, x0)
                    if y1 < y0:
                        (y0, y1) = (y1, y0)
                    # LTComponent.set_bbox
                    item.x0 = x0
                    item.y0 = y0
                    item.x1 = x1
                    item.y1 = y1
                    item.width = x1 - x0
                    item.height = y1 - y0
                    item.bbox = (x0, y0, x1, y1)
                    item.size = item.height  # after the box, as LTChar sets it (pdfplumber's dicts keep the order)
                    objs.append(item)
                    item.mcid = mcid  # pdfplumber's tag_cur_item
                    item.tag = tag
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            return (x, y)

    FastCharDevice.__name__ = FastCharDevice.__qualname__ = base.__name__
    return FastCharDevice
