"""What a reader can see on a PDF page, for bench_ocr: the OCR of a rendered page is compared with
the text a reader sees, not with every character the text layer holds.

Decided by evidence in the PDF, character by character (pypdfium2's page objects, in drawing
order), never by document or page:

* ``render mode``: text drawn in render mode 3 or 7 (neither filled nor stroked: an OCR layer, a
  search aid) or with a fill of alpha 0;
* ``off page``: the character's centre lies outside the page;
* ``clipped``: under half of the character's box lies inside its clipping path (a web menu
  drawn in a box too small for it: gd_yinjin's 首页 广东概况 … is clipped to a 6 pt strip);
* ``covered``: an opaque rectangle or image drawn later covers the character's box (the same
  menu, painted over in white);
* ``background``: the character is filled in the colour of the opaque rectangle it is drawn on
  (or white on the bare page), within 24 of 255 in every channel.

``pictures`` gives the other side: the page's images and vector art (filled paths that are not
rectangles, like a site's logo drawn as outlines), where OCR reads letters that no text layer
holds.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

SAME_COLOUR = 24  # per channel, of 255: a fill this close to the background is not seen
RECT_POINTS = 6  # a rectangle path: moveto + 3-4 lineto + close


@dataclass(frozen=True)
class Drawn:
    kind: str  # "image", "rect" or "art" (a filled path of another shape)
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in points, top-left origin
    colour: tuple[int, int, int, int] | None  # fill RGBA of a path


def _bounds(raw, obj) -> tuple[float, float, float, float]:
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, *map(ctypes.byref, (l, b, r, t)))
    return l.value, b.value, r.value, t.value


def _clip(raw, obj) -> tuple[float, float, float, float] | None:
    """The bounding box of the object's clipping path (the intersection of its paths' boxes)."""
    cp = raw.FPDFPageObj_GetClipPath(obj)
    if not cp:
        return None
    box = None
    for pi in range(raw.FPDFClipPath_CountPaths(cp)):
        xs, ys = [], []
        for si in range(raw.FPDFClipPath_CountPathSegments(cp, pi)):
            seg = raw.FPDFClipPath_GetPathSegment(cp, pi, si)
            x, y = ctypes.c_float(), ctypes.c_float()
            raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
            xs.append(x.value)
            ys.append(y.value)
        if not xs:
            continue
        b = (min(xs), min(ys), max(xs), max(ys))
        box = b if box is None else (max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3]))
    return box


def _meet(a, b):
    """Intersection of two (l, b, r, t) boxes, or None."""
    if b is None:
        return a
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def _area(box) -> float:
    return 0.0 if box is None else max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _is_rect(raw, obj) -> bool:
    n = raw.FPDFPath_CountSegments(obj)
    if n > RECT_POINTS:
        return False
    pts = []
    for i in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        x, y = ctypes.c_float(), ctypes.c_float()
        raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        pts.append((x.value, y.value))
    if not pts:
        return False
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    return all((abs(x - lo_x) < 0.5 or abs(x - hi_x) < 0.5) and (abs(y - lo_y) < 0.5 or abs(y - hi_y) < 0.5) for x, y in pts)


def _objects(raw, page):
    """Leaf page objects in drawing order (form XObjects opened), as (handle, type)."""
    out = []

    def walk(count, get):
        for i in range(count):
            obj = get(i)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                walk(raw.FPDFFormObj_CountObjects(obj), lambda j, o=obj: raw.FPDFFormObj_GetObject(o, j))
            else:
                out.append((obj, kind))

    walk(raw.FPDFPage_CountObjects(page), lambda i: raw.FPDFPage_GetObject(page, i))
    return out


def _drawn(raw, obj, kind, height, patterns) -> Drawn | None:
    """An opaque painted area (image, shading, filled path) with its box clipped, or None."""
    full = _bounds(raw, obj)
    box = _meet(full, _clip(raw, obj))
    if box is None:
        return None
    top_left = (box[0], height - box[3], box[2], height - box[1])
    if kind in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING):
        return Drawn("image", top_left, None)
    if kind == raw.FPDF_PAGEOBJ_PATH and any(
            all(abs(a - b) < 1 for a, b in zip((full[0], height - full[3], full[2], height - full[1]), p)) for p in patterns):
        # Filled with a pattern (pdfium reports its colour as grey): Chrome prints a web page's
        # pictures so, a rectangle painted with the image (wh_wsjs's logo).
        return Drawn("image", top_left, None)
    if kind != raw.FPDF_PAGEOBJ_PATH:
        return None
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not fill.value:
        return None
    rgba = [ctypes.c_uint() for _ in range(4)]
    raw.FPDFPageObj_GetFillColor(obj, *map(ctypes.byref, rgba))
    colour = tuple(c.value for c in rgba)
    if colour[3] < 255:
        return None
    return Drawn("rect" if _is_rect(raw, obj) else "art", top_left, colour)


def _contains(outer, inner, share: float = 0.9) -> bool:
    a = (max(outer[0], inner[0]), max(outer[1], inner[1]), min(outer[2], inner[2]), min(outer[3], inner[3]))
    return _area(a) >= share * max(_area(inner), 1e-6)


def pattern_boxes(plumber_page) -> list[tuple[float, float, float, float]]:
    """Boxes of the paths a pdfplumber page fills with a pattern (pdfium cannot tell them)."""
    return [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in plumber_page.rects + plumber_page.curves
            if o.get("fill") and isinstance(o.get("non_stroking_color"), str)]


def page_survey(pdf, index: int, patterns=()):
    """(invisible, pictures) of page ``index`` of an open pypdfium2 document.

    ``patterns``: ``pattern_boxes`` of the same page.
    invisible: [(char, (x0, top, x1, bottom), reason)] for every character a reader cannot see;
    pictures: [Drawn] for images and vector art.
    """
    import pypdfium2.raw as raw

    page = pdf[index]
    width, height = page.get_size()
    objects = _objects(raw, page)
    order = {ctypes.cast(o, ctypes.c_void_p).value: i for i, (o, _) in enumerate(objects)}
    drawn = [(i, _drawn(raw, o, k, height, patterns)) for i, (o, k) in enumerate(objects) if k != raw.FPDF_PAGEOBJ_TEXT]
    drawn = [(i, d) for i, d in drawn if d is not None]
    textpage = page.get_textpage()
    invisible = []
    for k in range(raw.FPDFText_CountChars(textpage)):
        ch = chr(raw.FPDFText_GetUnicode(textpage, k))
        if ch.isspace():
            continue
        l, r, b, t = (ctypes.c_double() for _ in range(4))
        raw.FPDFText_GetCharBox(textpage, k, *map(ctypes.byref, (l, r, b, t)))
        pdf_box = (l.value, b.value, r.value, t.value)
        box = (l.value, height - t.value, r.value, height - b.value)
        obj = raw.FPDFText_GetTextObject(textpage, k)
        reason = None
        at = order.get(ctypes.cast(obj, ctypes.c_void_p).value) if obj else None
        rgba = [ctypes.c_uint() for _ in range(4)]
        raw.FPDFText_GetFillColor(textpage, k, *map(ctypes.byref, rgba))
        colour = tuple(c.value for c in rgba)
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if obj and raw.FPDFTextObj_GetTextRenderMode(obj) in (3, 7) or colour[3] == 0:
            reason = "render mode"
        elif not (0 <= cx <= width and 0 <= cy <= height):
            reason = "off page"
        elif obj and _area(pdf_box) > 0 and _area(_meet(pdf_box, _clip(raw, obj) or pdf_box)) < 0.5 * _area(pdf_box):
            reason = "clipped"
        elif at is not None and any(i > at and d.kind in ("image", "rect") and _contains(d.box, box) for i, d in drawn):
            reason = "covered"
        elif at is not None:
            under = [d for i, d in drawn if i < at and _contains(d.box, box)]
            ground = under[-1].colour if under else (255, 255, 255, 255)  # the bare page is white
            if ground is not None and all(abs(a - b) <= SAME_COLOUR for a, b in zip(colour[:3], ground[:3])):
                reason = "background"
        if reason:
            invisible.append((ch, box, reason))
    pictures = [d for _, d in drawn if d.kind in ("image", "art")]
    return invisible, pictures
