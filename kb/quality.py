"""Signals that say how far to trust a parsed document, without any hand-written answers.

Two kinds of evidence:

* **Wrap probes** (need the PDF's lines, so ``bench/quality.py`` computes them while it parses):
  where a body line reaches the right margin and the next line goes on with the sentence (it
  starts at the left margin, in the same type size, and the first line does not close a
  sentence), the two pieces belong to one paragraph. A probe is the last few characters of the
  first line and the first few of the next; the export keeps the join when one paragraph (or
  one heading) holds both pieces side by side. The same goes for the last line of a page and
  the first line of the next.
* **Document signals** (``document_signals``): read from a stored ``Document`` alone, so
  ``kb check`` can run them over a user's index:

  ====================  ==========================================================================
  signal                what it counts
  ====================  ==========================================================================
  heading_mid_sentence  headings that cannot end a title: an open bracket or quote, a trailing
                        comma, or a trailing particle (的, 和, 及 …) on a long one — the first
                        line of a numbered paragraph taken for a heading
  para_breaks           a text paragraph that ends without closing punctuation while the next one
                        in the same section goes on (it does not start with a number or a bracket);
                        a short label line without any punctuation (a table's title, a signature)
                        is not counted
  one_char              paragraphs of a single character (watermark glyphs, a lone 。)
  bad_chars             U+FFFD, private-use and radical code points left in the text
  watermark             the same single character standing alone in 3+ places (a watermark's
                        glyphs read one per line)
  running_header        the same words at a page break in 3+ places: a header or footer the page
                        furniture did not catch, glued into the sentence it interrupts. With the
                        pages at hand (``band_survivors``): body lines at the top or bottom of
                        the page that repeat on a third of the pages
  page_number           "— 3 —", "－3－", "第 3 页" left inside the text
  suspicious_title      a title that is a file name, hex or Latin garbage, a URL, a 红头 alone …
  ====================  ==========================================================================

A document is *to distrust* when its wrap joins (where measured) are under ``TRUST_WRAP``, or
when any signal other than ``para_breaks`` fires more than its allowance below.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .model import BODY, Document, Page, SectionKind

PROBE_CHARS = 6
TRUST_WRAP = 0.97
_CLOSES = re.compile(r"[。！？：；:;!?…][”’」』）)]*$")
_PROBE_CLOSES = re.compile(r"(?:[。！？：；:;!?…][”’」』）)]*|】)$")
_LADDER_START = re.compile(r"^(?:第[〇○零一二三四五六七八九十百千两\d]+分?[编章节条]|序言|附则|目\s*录|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[.．、\s]|附件|附录|[①-⑳●•·◆■□▪\-－—*])")
_SPACE = re.compile(r"\s+")
_BAD = re.compile("[\ufffd\ue000-\uf8ff\u2e80-\u2fdf]")
_PAGE_NO = re.compile(r"(?<![A-Za-z0-9])[—－–][ 　]*\d{1,4}[ 　]*[—－–](?![A-Za-z0-9])|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\b\d{1,4}\s*of\s*\d{1,4}\b")
_OPEN = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】", "〔": "〕"}
_TAIL_PARTICLE = re.compile(r"[，、,的和与及或对在将把被由向从以于并且而]$")
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2}\s*){8,}$|^þÿ|\\x[0-9a-f]{2}|^[\x20-\x7e]*[ÃÂÐÑ¼½¾¿×÷ÿ][\x00-\xff]*$")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|xlsx?|html?|txt)\b|^Microsoft Word|^Untitled|^无标题|^\d+$", re.I)
_DOC_NUMBER = re.compile(r"[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号$")
_MASTHEAD = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:文件|命令|令)$")


@dataclass(frozen=True)
class Probe:
    page: int
    before: str  # the end of the line that reaches the right margin
    after: str  # the start of the line that goes on
    across_pages: bool = False

    @property
    def joined(self) -> str:
        return self.before + self.after


def _flat(text: str) -> str:
    return _SPACE.sub("", text)


def _right_margin(lines, size: float) -> float:
    full = sorted(ln.x1 for ln in lines if abs(ln.size - size) < 0.5)
    return full[int(len(full) * 0.9)] if full else 0.0


def _left_margin(lines, size: float) -> float:
    lefts = Counter(round(ln.x0) for ln in lines if abs(ln.size - size) < 0.5)
    total = sum(lefts.values())
    margins = [x for x, n in lefts.items() if n >= 0.1 * total]
    return min(margins) if margins else 0.0


def wrap_probes(pages: list[Page]) -> list[Probe]:
    """Probes from labelled pages (``clean.label_pages``): body lines only, tables left out.

    Margins are measured per page width (a landscape table page has its own), from the lines
    set in the document's body size; a line "reaches" the right margin within 1.5 characters.
    """
    from collections import defaultdict

    body = [ln for p in pages for ln in p.lines if ln.label == BODY]
    if not body:
        return []
    sizes = Counter()
    for ln in body:
        sizes[ln.size] += sum(1 for ch in ln.text if ch.isalnum())  # not a contents page's dots
    size = sizes.most_common(1)[0][0]
    by_width = defaultdict(list)
    for p in pages:
        by_width[round(p.width)].extend(ln for ln in p.lines if ln.label == BODY)
    margins = {w: (_left_margin(ls, size), _right_margin(ls, size)) for w, ls in by_width.items()}
    out: list[Probe] = []
    prev = prev_page = None
    for p in pages:
        left, right = margins[round(p.width)]
        for ln in p.lines:
            if ln.label != BODY:
                continue
            a, b = prev, ln
            prev, prev_page = ln, p
            if a is None:
                continue
            if abs(a.size - size) > 0.5 or abs(b.size - size) > 0.5:
                continue
            across = a.page != b.page
            if across and b.page != a.page + 1:
                continue
            if not across and not (0 < b.top - a.bottom < 1.5 * size):
                continue
            if right - a.x1 > 1.5 * size or abs(b.x0 - left) > 0.5 * size:
                continue
            ta, tb = _flat(a.text), _flat(b.text)
            if len(ta) < 4 or len(tb) < 2 or _PROBE_CLOSES.search(ta) or _LADDER_START.match(tb):
                continue
            # Only the sentence that runs over the line end must stay whole: a run-in title
            # ("（四）…公开。强化建单" ‖ "位…") rightly ends at its 。.
            before = re.split(r"[。！？；]", ta[-PROBE_CHARS:])[-1]
            if len(before) < 2:
                continue
            out.append(Probe(page=a.page, before=before, after=tb[:PROBE_CHARS], across_pages=across))
    return out


def band_survivors(pages: list[Page]) -> tuple[list[str], list[str]]:
    """(running headers/footers, page numbers) left as body text at the top or bottom of pages.

    A line counts when it sits in the top or bottom 8 % of its page and, for a header, the same
    words (digits aside) stand there on at least three pages and a third of them.
    """
    shapes: dict[str, set] = {}
    numbers = []
    for p in pages:
        for ln in p.lines:
            if ln.label != BODY or not (ln.bottom <= 0.08 * p.height or ln.top >= 0.92 * p.height):
                continue
            t = _flat(ln.text)
            if re.fullmatch(r"[-—－–~～_\s]*\d{1,4}[-—－–~～_\s]*|第\d{1,4}页.*|[一二三四五六七八九十]{1,3}[-－—]\d{1,4}", t):
                numbers.append(t)
            elif t:
                shapes.setdefault(re.sub(r"\d+", "#", t), set()).add(p.number)
    enough = max(3, len(pages) / 3)
    headers = [t for t, on in shapes.items() if len(on) >= enough]
    return headers, numbers


def _texts(doc: Document) -> list[str]:
    """Every run of text the export keeps together: each heading, each paragraph."""
    out = []
    for s in doc.walk():
        out.append(_flat(s.title))
        out.extend(_flat(p.text) for p in s.paragraphs)
    return out


def probes_kept(doc: Document, probes: list[Probe]) -> list[Probe]:
    """The probes whose two pieces one paragraph or heading of ``doc`` holds together."""
    texts = _texts(doc)
    blob = "\n".join(texts)
    return [pr for pr in probes if pr.joined in blob]


def _unbalanced(text: str) -> bool:
    for o, c in _OPEN.items():
        if text.count(o) > text.count(c):
            return True
    return False


def heading_mid_sentence(doc: Document) -> list[str]:
    """Titles of headings that stop where a sentence goes on."""
    out = []
    for s in doc.walk():
        h = s.heading.strip()
        if s.kind == SectionKind.PART or not h or _CLOSES.search(h):
            continue
        # 第六章 民事法律行为, 第一条 依据目的: short titles of the legal ladder may end in 为/的.
        particle = _TAIL_PARTICLE.search(h) and (len(h) >= 10 or h[-1] in "，、,")
        if _unbalanced(h) or particle:
            out.append(s.title)
    return out


def para_breaks(doc: Document) -> list[str]:
    """Text paragraphs that end mid-sentence while the next paragraph goes on."""
    out = []
    for s in doc.walk():
        pars = s.paragraphs
        for a, b in zip(pars, pars[1:]):
            if a.kind != "text" or b.kind != "text":
                continue
            ta, tb = a.text.strip(), b.text.strip()
            if len(ta) < 12 or _CLOSES.search(ta) or not tb or _LADDER_START.match(tb):
                continue
            if ta[-1] in "）)】》”" and not re.search(r"[，,、]", ta):
                continue  # a label line such as 附件：…（样式）
            if _MASTHEAD.match(_flat(ta)) or _DOC_NUMBER.search(ta):
                continue  # the 红头 and the 发文字号: lines of their own, no sentence
            if _label_line(ta):
                continue  # a table's title, a signature, a 主席令 line: a label, not a sentence
            out.append(f"{ta[-8:]}‖{tb[:8]}")
    return out


LABEL_LINE = 24


def _label_line(text: str) -> bool:
    """A short paragraph without any punctuation that does not end on a particle
    (20-39岁1分钟仰卧起坐评分表, 中华人民共和国主席习近平): a line that names something.
    A sentence cut at a line end runs to the margin, so it is longer, or it has a comma."""
    t = _LADDER_START.sub("", _flat(text), count=1)  # 2、20－59岁成年人台阶指数评分标准
    return len(t) <= LABEL_LINE and not re.search(r"[，。、；：,;:！？]", t) and not _TAIL_PARTICLE.search(t)


def _all_paragraphs(doc: Document):
    for s in doc.walk():
        for p in s.paragraphs:
            yield s, p


def document_signals(doc: Document) -> dict:
    """Counts of each signal (module docstring), with up to three examples each."""
    one_char, bad, pageno = [], [], []
    singles = Counter()
    edges = Counter()
    for s, p in _all_paragraphs(doc):
        t = _flat(p.text)
        if p.kind == "text" and len(t) == 1:
            one_char.append(t)
            singles[t] += 1
        bad.extend(_BAD.findall(p.text))
        if p.kind == "text":
            pageno.extend(m.group() for m in _PAGE_NO.finditer(p.text))
        for at, _ in p.breaks:
            # Words found at a page break in several places are a running header or footer.
            for piece in (p.text[at:at + 10], p.text[max(0, at - 10):at]):
                shape = re.sub(r"\d+", "#", _flat(piece))
                if len(shape) >= 6:
                    edges[shape] += 1
    for s in doc.walk():
        bad.extend(_BAD.findall(s.title))
    watermark = [ch for ch, n in singles.items() if n >= 3]
    headers = [t for t, n in edges.items() if n >= 3]
    heads = heading_mid_sentence(doc)
    breaks = para_breaks(doc)
    title = suspicious_title(doc)
    return {
        "heading_mid_sentence": {"count": len(heads), "examples": heads[:3]},
        "para_breaks": {"count": len(breaks), "examples": breaks[:3]},
        "one_char": {"count": len(one_char), "examples": one_char[:3]},
        "bad_chars": {"count": len(bad), "examples": sorted(set(bad))[:3]},
        "watermark": {"count": sum(singles[c] for c in watermark), "examples": watermark[:3]},
        "running_header": {"count": sum(edges[t] for t in headers), "examples": headers[:3]},
        "page_number": {"count": len(pageno), "examples": pageno[:3]},
        "suspicious_title": {"count": int(bool(title)), "examples": [title] if title else []},
    }


def suspicious_title(doc: Document) -> str | None:
    """Why the document's title looks wrong, or None."""
    t = (doc.title or "").strip()
    if not t:
        return "no title"
    if _HEX.search(t):
        return f"garbled: {t[:40]}"
    if _FILE_NAME.search(t):
        return f"a file name: {t[:40]}"
    if "http" in t or "www." in t:
        return f"a URL: {t[:40]}"
    if _MASTHEAD.match(_flat(t)):
        return f"the issuer's masthead: {t}"
    if len(t) < 4 or len(t) > 100:
        return f"{len(t)} characters long: {t[:40]}"
    if not re.search(r"[\u4e00-\u9fff]", t):
        return f"no Chinese: {t[:40]}"
    if _BAD.search(t) or _unbalanced(t):
        return f"broken: {t[:40]}"
    return None


# Per-document allowance before a signal makes the document one to distrust: a lone hit can be
# a real one-character table paragraph or a heading ending in 等.
ALLOWANCE = {"heading_mid_sentence": 2, "para_breaks": 10, "one_char": 3, "bad_chars": 0, "watermark": 0,
             "running_header": 0, "page_number": 0, "suspicious_title": 0}


def reasons(signals: dict, wrap: tuple[int, int] | None = None) -> list[str]:
    """Why to distrust a document: one short phrase per signal over its allowance."""
    out = []
    if wrap and wrap[1] >= 10 and wrap[0] < TRUST_WRAP * wrap[1]:
        out.append(f"wrap joins kept {wrap[0]}/{wrap[1]}")
    for name, allowed in ALLOWANCE.items():
        n = signals[name]["count"]
        if n > allowed:
            ex = "; ".join(str(e) for e in signals[name]["examples"])
            out.append(f"{name.replace('_', ' ')}: {n}" + (f" ({ex})" if ex else ""))
    return out


def check(index_dir, ref: str | None = None) -> list[dict]:
    """``kb check``: the signals of every document in the index (or of ``ref``), worst first."""
    from .store import Store

    snap = Store(index_dir).snapshot()
    ids = [snap.resolve(ref)] if ref else list(snap.doc_ids)
    out = []
    for doc_id in ids:
        doc = snap.document(doc_id)
        signals = document_signals(doc)
        why = reasons(signals)
        out.append({"doc_id": doc.id, "title": doc.title, "trust": not why, "reasons": why,
                    "warnings": list(doc.warnings), "signals": signals})
    out.sort(key=lambda r: (r["trust"], r["doc_id"]))
    return out


def check_text(records: list[dict]) -> str:
    """``kb check`` for a terminal: the documents to distrust first, each with its reasons."""
    if not records:
        return "No documents."
    bad = [r for r in records if not r["trust"]]
    lines = [f"{len(records)} document(s) checked, {len(bad)} to distrust"]
    for r in records:
        lines.append(f"{'distrust' if not r['trust'] else 'ok':8}  {r['doc_id']}  {r['title']}")
        lines.extend(f"          - {why}" for why in r["reasons"])
        lines.extend(f"          ! {w}" for w in r["warnings"] if not r["trust"])
    return "\n".join(lines)
