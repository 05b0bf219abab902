"""Labelled pages → the heading tree of a ``Document``.

Reading order is pages top to bottom; furniture, footnotes and captions are taken out of the
flow first, so a sentence broken by a page break or a footnote block is joined again.

**Paragraphs.** A line starts a new paragraph when it is indented (GB/T 9704 sets the first
line of a paragraph two characters in), when the line before it ended short of the right
margin, when it is centred, or when its type size changes. Otherwise it continues the
paragraph, across page breaks too. Lines join without a space, except between two Latin words.
A line that opens with 第…条 and a gap (clean keeps it as ``ARTICLE_SEPARATOR``) starts an
article even after a line run to the right margin, when the line before closed its sentence and
the document starts three or more articles that way at that indent; a cross-reference wrapped
to a line start (第二十七条的规定…) has no gap and runs on.

**Parts.** A block of lines set at least 1.14× the body size is a title (gd_yinjin's web print
sets its title 6.9 pt over a 5.9 pt body, moh 18 over 15.7; the reference PDFs 22 over 16). Where page 1 has no
larger type at all, a centred line in a bold face (…-Bold, 黑体/Hei, 小标宋) above the first
heading is the title (TRICKY: STSongti-SC-Bold at body size). Not titles, though larger:

* the 发文机关标志 (红头) "东莞市人民政府文件" / "东莞市人民政府令" — GB/T 9704-2012 §7.2.1
  and §8.1 build it from the issuer's name plus 文件 or (命)令; it names the issuer, not the
  document, so it stays a front-matter paragraph (metadata reads the issuer from it);
* a line that is only a 发文字号 (粤府〔２００３〕８１号 set in 8.8 pt over 5.9 pt body).

A short fully bracketed line right under a title — （征求意见稿）, （试行）, （草案） — qualifies
that title and is joined to it. A web print with no title at all (gd_renkou) takes the page
title the browser printed in its header, before the URL and the site name. Each title starts a
*part* (level 0): a notice that publishes a plan has two, the notice and the plan (the
``苏府〔2011〕159号`` notice, then the plan itself), and both are kept.

**The ladder.** Chinese official documents number their headings in a fixed order; a heading
is a paragraph whose first line starts with one of these, and it nests under the nearest
heading of a lower rank (a document may skip rungs, so depth comes from the stack, not the
rank):

    附录 / 附件 / 附  >  第X编  >  第X分编  >  第X章  >  第X节  >  第X条  >  一、  >  （一）  >  1.  >  （1）

(and the clauses of standards, 1 / 2.1 / 2.2.1, nested by their depth, where the layout shows a
title: a short line of its own). 序言 and 附则 without a number stand at the top rung of the
document's own ladder (宪法: beside 第一章; 民法典: beside 第一编). A 目录 is text, not headings:
lines with leader dots and a page number, or, without them, everything from 目录 to where the
body repeats its first entry's number (``_toc_blocks``). The line 目录 is a block of its own.

**Heading or numbered paragraph.** A numbered line is a heading when the layout says so: its
number is set in a heading font (黑体/楷体/bold), or it is a short line of its own with no
sentence punctuation, or it opens with a short label that ends in 。 on its first line (run-in
title: （四）入户通报。公安…). Otherwise — a number followed by a sentence that runs on, ends
in ；, states an amount, or speaks of the document itself (本办法…) — it is a *numbered
paragraph*: the section keeps the number, its heading is empty, and the sentence stays whole
(the first line of "1．…均须参加身体" ‖ "健康状况检查…" is not a title).

* A heading that carries its first sentence on the same line (（一）服务外包产业实现跨越发展。)
  is a heading; the sentence up to its first 。 is the heading text and anything after it is
  the first paragraph. If the first sentence is over 40 characters, the heading keeps only its
  number and the whole sentence is text.
* 第X条 is the leaf of legal documents: the （一）1. items inside an article are its 项 and
  目, the article's text, not headings (Legislation Law practice: 条 > 款 > 项 > 目) — except a
  short line of its own that titles what follows (（一）文化程度 above "1．…，30分；").
* Run-in paragraph leads (软件开发外包。软件开发外包已成为…) are not headings: the document
  sets them in body type inside a numbered section. They stay paragraphs of that section and
  the lead phrase is kept as ``Paragraph.lead``.
* 附件 N alone above a title labels the attachment that title starts; it is not a heading.

**Tables.** Each row of a ruled table (a ``TABLE`` line from extract) is one paragraph of kind
``table_row`` with its cells, under the section the table stands in; its text is the cells
joined by " | " so search finds it. A header row reprinted on the next page was made
furniture by clean, so rows are never doubled.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from . import matter
from .clean import ARTICLE_SEPARATOR, CAPTION_LINE, URL, body_size
from .model import (BODY, CAPTION, FOOTNOTE, FURNITURE, TABLE, Footnote, Line, Matter, Page, Paragraph, ParagraphKind,
                    Section, SectionKind)
from .text import CN_DIGITS, HAN_WIDE, TOC_LINE, cn_to_int, normalise_doc_number

_NUM = rf"[{CN_DIGITS}]+"

# (kind, rank, pattern, id prefix). The pattern's group 1 is the number as printed.
LADDER = [
    (SectionKind.APPENDIX, 0, re.compile(rf"^((?:附录|附件)\s*(?:\d+|{_NUM})?|附(?=\s*$))(?=\s*[:：]|\s*$|\s+\S)"), "appendix"),
    (SectionKind.BOOK, 1, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*编)"), "b"),
    (SectionKind.SUBBOOK, 1.5, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*分\s*编)"), "sb"),
    (SectionKind.CHAPTER, 2, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*章)"), "ch"),
    (SectionKind.SECTION, 3, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*节)"), "sec"),
    (SectionKind.ARTICLE, 4, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*条)"), "art"),
    (SectionKind.ITEM, 5, re.compile(rf"^({_NUM}\s*(?:、|[．.](?!\d)))"), "p"),
    (SectionKind.SUBITEM, 6, re.compile(rf"^([（(]\s*{_NUM}\s*[)）])"), "s"),
    (SectionKind.POINT, 7, re.compile(r"^(\d{1,2}\s*(?:、|[.．](?![\d%％])))"), "i"),
    (SectionKind.SUBPOINT, 8, re.compile(r"^([（(]\s*\d{1,2}\s*[)）])"), "ii"),
    # Clauses of standards and technical texts: 1 概述 / 2.1 公示信息内容 / 2.2.1 网络公示. Taken
    # as headings only where the layout says title (``_clause_title``); rank by depth.
    (SectionKind.CLAUSE, 4.6, re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?=\s*[\u4e00-\u9fff])"), "c"),
]
ARTICLE_RANK = 4
TITLE_RATIO = 1.14
MASTHEAD = re.compile(r"^[\u4e00-\u9fff（）]{2,30}(?:文件|命令|令)$")
QUALIFIER = re.compile(r"^[（(][^（()）]{2,12}[)）]$")
_BOLD = re.compile(r"bold|hei|黑|标宋|XBS|Heavy|Black", re.I)
MAX_HEADING = 40
_SENTENCE_END = re.compile(r"[。！？]")
_LEAD = re.compile(r"^([^，。；：、,;:（）()“”]{2,16})。(?=\S)")
# A clause about the document itself (本实施细则由…负责解释。本通知自…起施行。) is never a
# title, even where it is set in 黑体 like the titles around it (dg_qiye, hz).
_SELF_CLAUSE = re.compile(r"^本(?:实施)?(?:办法|通知|通告|公告|细则|规定|条例|意见|方案|决定|规划|标准|法)")
# Full-width punctuation that a narrow layout pushed onto a line of its own ("…审核入口”" ‖ "。").
_PUNCT_ONLY = re.compile(r"^[。，、；：！？）」』”’》〕】…]+$")
# Unnumbered headings that stand at the top rung of a law: 序言 (宪法), 附则 (民法典 after its 编).
_BARE_HEADING = re.compile(r"^(序言|前言|引言|附则)$")
_CLOSING = re.compile(r"[。！？：；:;!?][”’」』）)]*$")
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?(?:元|人|分|%|％)")
_HAN = re.compile(f"[{HAN_WIDE}]")
_BRACKET_TITLE = re.compile(r"^\s*【([^】]{1,20})】")


def ladder_match(text: str):
    """(kind, rank, number, rest, id prefix) if ``text`` starts with a ladder number."""
    for kind, rank, pattern, prefix in LADDER:
        m = pattern.match(text)
        if m:
            number = re.sub(r"\s+", "", m.group(1))
            if kind == SectionKind.CLAUSE:
                rank += 0.1 * number.count(".")
            return kind, rank, number, text[m.end():].lstrip(" ：:　"), prefix
    return None


# -- pass 1: lines → blocks -------------------------------------------------------------------
@dataclass
class _Block:
    kind: str  # title | para | caption
    lines: list[Line] = field(default_factory=list)
    refs: list[tuple[int, str]] = field(default_factory=list)  # (offset in text, marker)
    text: str = ""
    breaks: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, page) at page changes
    cells: tuple[str, ...] = ()

    def add(self, line: Line) -> None:
        if self.text and self.text[-1:].isascii() and self.text[-1:].isalnum() and line.text[:1].isascii() and line.text[:1].isalpha():
            self.text += " "
        if self.text and line.text.startswith("第") and ARTICLE_SEPARATOR in line.text[:12]:
            # An article number that runs on in the text (not an article start): its separator
            # is a layout mark, not text.
            line = _unspaced(line)
        base = len(self.text)
        if self.lines and line.page != self.lines[-1].page:
            self.breaks.append((base, line.page))
        self.refs.extend((base + r.offset, r.marker) for r in line.refs)
        self.text += line.text
        self.lines.append(line)

    @property
    def pages(self) -> tuple[int, int]:
        return (self.lines[0].page, self.lines[-1].page)


def _unspaced(line: Line) -> Line:
    at = line.text.index(ARTICLE_SEPARATOR)
    refs = tuple(replace(r, offset=r.offset - 1) if r.offset > at else r for r in line.refs)
    return replace(line, text=line.text[:at] + line.text[at + 1:], refs=refs)


_SPACED_ARTICLE = re.compile(rf"^第(?:[{CN_DIGITS}]+|\d+)条{ARTICLE_SEPARATOR}")
_TOC_HEAD = re.compile(r"^目\s*录$")


def _article_indent(pages: list[Page], size: float) -> float | None:
    """The indent at which this document starts its articles, when it sets them apart.

    Three or more lines opening with 第…条 and a gap (clean keeps it as ARTICLE_SEPARATOR), most
    of them at one x: that x is where an article starts. None when the document shows no such
    habit, so a 第…条 at a line start is then read as the layout alone says.
    """
    xs = Counter(round(ln.x0) for p in pages for ln in p.lines if ln.label == BODY and _SPACED_ARTICLE.match(ln.text))
    if sum(xs.values()) < 3:
        return None
    x, n = xs.most_common(1)[0]
    near = sum(m for y, m in xs.items() if abs(y - x) <= 0.5 * size)
    return x if near * 2 >= sum(xs.values()) else None


@dataclass(frozen=True)
class Layout:
    size: float
    left: float
    right: float
    font: str
    # Pages set to a narrower measure of their own (a web print's attachment in a box: gd_yinjin
    # p4 ends its lines at 391 pt, the rest at 491): page number → (left, right).
    pages: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, pages: list[Page]) -> "Layout":
        body = [ln for p in pages for ln in p.lines if ln.label == BODY]
        size = body_size(pages)
        lefts = Counter(round(ln.x0) for ln in body if abs(ln.size - size) < 0.5)
        # The text's left margin: the leftmost x0 that a good share of lines start at. Not the
        # most common one: in a text of short articles (TRICKY) indented first lines outnumber
        # the continuation lines at the margin.
        total = sum(lefts.values())
        margins = [x for x, n in lefts.items() if n >= 0.1 * total]
        left = min(margins) if margins else 0
        full = sorted(ln.x1 for ln in body if abs(ln.size - size) < 0.5)
        right = full[int(len(full) * 0.9)] if full else 0
        fonts = Counter()
        for ln in body:
            # Letters only, so a contents page's leader dots do not name the body font.
            fonts[_family(ln.font)] += sum(1 for ch in ln.text if ch.isalnum())
        font = fonts.most_common(1)[0][0] if fonts else ""
        return cls(size=size, left=left, right=right, font=font, pages=_page_measures(pages, size, left, right))

    def margins(self, ln: Line) -> tuple[float, float]:
        return self.pages.get(ln.page, (self.left, self.right))

    def indented(self, ln: Line) -> bool:
        return ln.x0 > self.margins(ln)[0] + 0.8 * self.size

    def ends_paragraph(self, ln: Line) -> bool:
        # Half-width digits and Latin make unjustified lines end early, so a short line ends its
        # paragraph only when it also ends a sentence, or stops over five characters short.
        short_by = (self.margins(ln)[1] - ln.x1) / ln.size  # in characters
        return short_by > 5 or (short_by > 1.5 and bool(_CLOSING.search(ln.text)))

    def centred(self, ln: Line) -> bool:
        # A centred line of body type is short (序言, 第一章 总则); a long line that merely
        # starts indented and ends a few characters early (a ragged web print) is not.
        left, right = self.margins(ln)
        return (ln.x0 > left + 2.5 * self.size and ln.x1 < right - 2.5 * self.size
                and ln.x1 - ln.x0 < 0.7 * (right - left))

    def is_title(self, ln: Line) -> bool:
        return ln.size >= self.size * TITLE_RATIO

    def heading_font(self, ln: Line) -> bool:
        # A line without a Chinese character ("DGSJYJ-2015", "2050199") is set in a Latin face
        # whatever its role: its font says nothing about heading or body.
        return _family(ln.font) != self.font and bool(_HAN.search(ln.text))


def _page_measures(pages: list[Page], size: float, left: float, right: float) -> dict:
    """Pages whose own measure is clearly narrower than the document's, with their margins.

    Only a page that shows it plainly: 8+ body lines, a third of them ending at one right edge
    (justified or wrapped text) at least three characters inside the document's edge.
    """
    out = {}
    for p in pages:
        body = [ln for ln in p.lines if ln.label == BODY and abs(ln.size - size) < 0.5]
        if len(body) < 8:
            continue
        ends = sorted(ln.x1 for ln in body)
        edge = ends[int(len(ends) * 0.9)]
        at_edge = sum(1 for x in ends if abs(x - edge) < size)
        if edge < right - 3 * size and at_edge * 3 >= len(body):
            lefts = Counter(round(ln.x0) for ln in body)
            shares = [x for x, n in lefts.items() if n >= 0.1 * len(body)]
            out[p.number] = (min(shares) if shares else left, edge)
    return out


def _family(font: str) -> str:
    # "ANMAPM+FangSong_GB2312" / "UMingCN-0" / "SimHei,Bold": the family decides body vs heading.
    return re.sub(r"[-_,].*$", "", font or "")


def _bold_title(ln: Line, layout: Layout) -> bool:
    return (bool(_BOLD.search(ln.font)) and layout.centred(ln) and len(ln.text) <= MAX_HEADING
            and not _SENTENCE_END.search(ln.text))


def _runs_on(cur: _Block | None, prev: Line, layout: Layout) -> bool:
    """A numbered paragraph whose bold run-in label fills its first line runs on.

    第一条【依据目的】…, （四）入户通报。公安… (dg_qiye), 1.国家级、省级…: the label is set
    in 黑体/楷体 and the sentence goes on in the body font. A label that stands alone ends short
    of the right margin, so a full first line means the paragraph continues.
    """
    m = ladder_match(cur.text) if cur is not None and len(cur.lines) == 1 else None
    return bool(m) and (layout.margins(prev)[1] - prev.x1) < 1.5 * prev.size


def lines_to_blocks(pages: list[Page], layout: Layout) -> list[_Block]:
    blocks: list[_Block] = []
    prev: Line | None = None
    seen_heading = False
    first = [ln for ln in (pages[0].lines if pages else ()) if ln.label == BODY]
    page1_bold = not any(layout.is_title(ln) for ln in first)
    article_x = _article_indent(pages, layout.size)
    for page in pages:
        for ln in page.lines:
            if ln.label in (FURNITURE, FOOTNOTE):
                continue
            if ln.label == CAPTION:
                # clean labels a caption's second line CAPTION too, without the 图/表 number.
                if not (blocks and blocks[-1].kind == "caption" and not CAPTION_LINE.match(ln.text)):
                    blocks.append(_Block("caption"))
                blocks[-1].add(ln)
                continue
            if ln.label == TABLE:
                blocks.append(_Block("table", cells=ln.cells))
                blocks[-1].add(ln)
                prev = None  # the text after a table starts a new paragraph
                continue
            if _PUNCT_ONLY.match(ln.text) and blocks and blocks[-1].kind in ("para", "title"):
                blocks[-1].add(ln)  # closes the sentence above, whatever its position
                prev = ln
                continue
            toc_head = bool(_TOC_HEAD.match(ln.text.strip()))
            kind = "title" if (
                (layout.is_title(ln) or (ln.page == 1 and page1_bold and not seen_heading and _bold_title(ln, layout)))
                and not ladder_match(ln.text) and not normalise_doc_number(ln.text) and not toc_head
            ) else "para"
            if ladder_match(ln.text):
                seen_heading = True
            cur = blocks[-1] if blocks else None
            # A sentence broken by a page break goes on whatever the new page's indentation:
            # some layouts indent the first line of every page.
            carried = (
                kind == "para" and cur is not None and cur.kind == "para" and prev is not None
                and ln.page != prev.page and not _CLOSING.search(prev.text)
                and not (ladder_match(ln.text) and (layout.heading_font(ln) or layout.ends_paragraph(prev)))
                and not (len(cur.lines) == 1 and ladder_match(cur.text) and layout.heading_font(prev))
                and not layout.centred(prev) and not layout.centred(ln)
                and abs(ln.size - prev.size) <= 0.5
            )
            # An open bracket holds the sentence over a line end that looks like a paragraph's:
            # a bracketed note set narrower than the text (…（2007年6月29日…常务委员 ‖ 会第二十八次
            # 会议通过…修正）), or a list that goes on after a comma at the same indent (国务委员
            # 若干人， ‖ 各部部长，).
            held = (
                kind == "para" and cur is not None and cur.kind == "para" and prev is not None
                and ln.page == prev.page and abs(ln.size - prev.size) <= 0.5
                and 0 <= ln.top - prev.bottom <= 1.5 * ln.size and not ladder_match(ln.text)
                and ((_unclosed(cur.text) and len(cur.lines) < 8)
                     or (prev.text.endswith(("，", "、")) and abs(ln.x0 - prev.x0) < 0.5 * ln.size
                         and not layout.heading_font(ln)))
            )
            # An article starts its own paragraph even where the line before ran to the right
            # margin: it opens with 第…条 and the gap, at the indent the document's other
            # articles start at, after a line that closed its sentence (laodong_fa 第二条 after
            # "…制定本法。" set to the margin).
            article = (
                kind == "para" and article_x is not None and prev is not None
                and bool(_SPACED_ARTICLE.match(ln.text)) and abs(ln.x0 - article_x) <= 0.5 * layout.size
                and bool(_CLOSING.search(prev.text))
            )
            # A contents page's heading 目录 stands alone: neither joined to the line above (shuju:
            # "…会议通过" ‖ "目录") nor to the cover title above it, nor to the first entry.
            toc_edge = toc_head or (prev is not None and bool(_TOC_HEAD.match(prev.text.strip())))
            starts = article or toc_edge or not carried and not held and (
                cur is None
                or cur.kind != kind
                or prev is None
                or (kind == "para" and (
                    layout.indented(ln)
                    or bool(TOC_LINE.search(prev.text))  # a contents entry may wrap: split after it
                    or layout.ends_paragraph(prev)
                    or layout.centred(ln)
                    or layout.centred(prev)
                    or abs(ln.size - prev.size) > 0.5
                    or (layout.heading_font(ln) != layout.heading_font(prev) and not _runs_on(cur, prev, layout))
                    or (ladder_match(ln.text) and layout.heading_font(ln))
                ))
                or (kind == "title" and ln.top - prev.bottom > 2.5 * ln.size and ln.page == prev.page)
                or (kind == "title" and ln.page != prev.page)
                or (kind == "title" and matter.date_line(ln.text))  # a cover's date is never more of the title
            )
            if starts:
                blocks.append(_Block(kind))
            blocks[-1].add(ln)
            prev = ln
    return blocks


def _unclosed(text: str) -> bool:
    """An opening （ or 《 that the text has not closed yet."""
    return text.count("（") > text.count("）") or text.count("《") > text.count("》")


def _footnotes_by_page(pages: list[Page]) -> dict[tuple[int, str], Footnote]:
    notes: dict[tuple[int, str], list] = {}
    order: list[tuple[int, str]] = []
    for p in pages:
        current = None
        for ln in p.lines:
            if ln.label != FOOTNOTE:
                continue
            m = re.match(r"^(\d{1,2}|[*†‡①②③④⑤⑥⑦⑧⑨⑩])\s*(.*)$", ln.text)
            if m and (current is None or m.group(2)):
                current = (p.number, m.group(1))
                notes[current] = [m.group(2)]
                order.append(current)
            elif current is not None:
                notes[current].append(ln.text)
    return {k: Footnote(marker=k[1], text="".join(notes[k]), page=k[0], offset=0) for k in order}


# -- pass 2: blocks → sections ----------------------------------------------------------------
RUN_IN_TITLE = 24


def _body_font_title(rest: str, end, one_line: bool, first_line: int = 10**6) -> bool:
    """Whether a numbered paragraph in the body font opens with a title.

    Without a heading font, only the layout speaks: a short label ending in 。 with text after
    it (（四）入户通报。公安…), or a short line of its own with no sentence punctuation
    ((二）注意事项). A numbered sentence that runs on (1．…均须参加身体‖健康状况检查…, 3.进入…
    登录页后，点击“注册”，如图3所示：) is a numbered paragraph: its sentence stays whole.
    """
    if end:
        label = rest[: end.start()]
        # A label that states an amount (…支出995.86万元。) is a sentence, not a title.
        amount = _AMOUNT.search(label)
        # A run-in label ends on its first line: one that runs over the line end is a sentence.
        return (len(label) <= RUN_IN_TITLE and end.start() < first_line and not re.search(r"[，,；;：:]", label)
                and not amount)
    return one_line and len(rest) <= 24 and not re.search(r"[，,；;：:。]", rest)


SHORT_ITEM = 12


def _short_item(rest: str, end, one_line: bool) -> bool:
    """A line of its own that is a short phrase closed by 。 (1.国家高新技术企业。) names a
    heading like a title does; a sentence (a comma, a verb phrase over 12 characters, an amount)
    does not."""
    label = rest[: end.start()]
    return one_line and len(label) <= SHORT_ITEM and not re.search(r"[，,；;：:、]", label) and not _AMOUNT.search(label)


def _split_heading(kind: SectionKind, rank: int, rest: str, one_line: bool, titled: bool = True,
                   first_line: int = 10**6) -> tuple[str, str]:
    """(heading text, remaining paragraph text) for a ladder paragraph.

    ``titled``: the number is set in a heading font (黑体/楷体). In the body font, a number
    followed by one whole sentence (六、本实施细则由市人力资源局负责解释。) is a numbered clause,
    not a title: it keeps its number, and the sentence, with its 。, stays text. So does a
    clause about the document itself in any font (_SELF_CLAUSE).
    """
    if kind == SectionKind.ARTICLE:
        m = _BRACKET_TITLE.match(rest)
        if m:
            return m.group(1), rest[m.end():]
        return "", rest
    end = _SENTENCE_END.search(rest)
    if rank > ARTICLE_RANK and _SELF_CLAUSE.match(rest):
        return "", rest
    if end and rank > ARTICLE_RANK and not rest[end.end():].strip() and not titled and not _short_item(rest, end, one_line):
        return "", rest
    if rank > ARTICLE_RANK and not titled and not _body_font_title(rest, end, one_line, first_line):
        return "", rest
    if end and end.start() <= MAX_HEADING:
        return rest[: end.start()], rest[end.end():]
    if not end and re.search(r"[；;，,、]$", rest):
        return "", rest  # an item of a list (…的；), not a title
    # A title set in a heading font may run to two lines without a full stop (moe: （二）农民工
    # 随迁子女来源地区差异明显，东部地区以外省迁 ‖ 入为主，…迁入为主, 41 characters in 楷体).
    if not end and (len(rest) <= MAX_HEADING or one_line or (titled and len(rest) <= 2 * MAX_HEADING)):
        return rest.rstrip("：:"), ""
    return "", rest


def masthead_end(blocks: list[_Block]) -> int:
    """How many blocks of page 1 stand above its 发文字号, when a title follows that 发文字号; else 0.

    GB/T 9704-2012 §7.2: the 版头 (the issuing organs' names and 文件) stands above the 发文字号,
    the title below it. A joint notice prints several organs, one per line, with 文件 once at the
    side (NEG_scanned_yuejiaokao: five lines; _nj, _gz: two), so no single line reads "…文件";
    being above the 发文字号 is what makes them the 版头 and not the title.
    """
    for i, b in enumerate(blocks):
        if b.pages[0] != 1:
            break
        if b.kind == "para" and normalise_doc_number(b.text.strip()):
            return i if any(x.kind == "title" and x.pages[0] == 1 for x in blocks[i + 1:]) else 0
    return 0


@dataclass
class _Draft:
    """A section while the tree is built: its paragraphs and children grow, its heading may take
    a second title line, its pages widen; ``_freeze`` makes the ``Section``."""

    id: str
    level: int
    number: str | None
    heading: str
    kind: SectionKind
    paragraphs: list[Paragraph] = field(default_factory=list)
    pages: tuple[int, int] = (0, 0)
    children: list["_Draft"] = field(default_factory=list)


def _freeze(d: _Draft) -> Section:
    return Section(id=d.id, level=d.level, number=d.number, heading=d.heading, kind=d.kind,
                   paragraphs=tuple(d.paragraphs), pages=d.pages, children=tuple(_freeze(c) for c in d.children))


def blocks_to_sections(doc_id: str, blocks: list[_Block], layout: Layout, footnotes, fallback_title: str,
                       info_title: str | None = None) -> list[Section]:
    """The parts of the document and their heading trees, every paragraph marked body, front or
    back matter (kb.matter); ``info_title``: the PDF's /Title, decoded, that a repeated title line
    is matched against."""
    head_end = masthead_end(blocks)
    parts: list[_Draft] = []
    stack: list[tuple[int, _Draft]] = []  # (rank, section); parts have rank -1
    pending: list[Paragraph] = []  # front matter before the first title
    used_ids: set[str] = set()
    attachment_label: str | None = None
    attachment_list = False  # inside "附件：1．…  2．…", the list of a notice's attachments

    def new_id(path: list[str]) -> str:
        base = "/".join([doc_id] + path)
        sid, n = base, 2
        while sid in used_ids:
            sid, n = f"{base}-{n}", n + 1
        used_ids.add(sid)
        return sid

    def open_part(title: str, pages) -> None:
        nonlocal attachment_label, attachment_list
        attachment_list = False
        sec = _Draft(id=new_id([f"part{len(parts) + 1}"]), level=0, number=attachment_label,
                     heading=title, kind=SectionKind.PART, pages=pages)
        attachment_label = None
        parts.append(sec)
        stack[:] = [(-1, sec)]
        if pending:
            sec.paragraphs.extend(pending)
            pending.clear()

    def current() -> _Draft | None:
        return stack[-1][1] if stack else None

    def add_paragraph(par: Paragraph) -> None:
        nonlocal body_seen
        if here != Matter.BODY and par.matter == Matter.BODY:
            par = replace(par, matter=here)
        body_seen = body_seen or par.matter == Matter.BODY
        sec = current()
        if sec is None:
            pending.append(par)
        else:
            sec.paragraphs.append(par)

    toc = _toc_blocks(blocks)
    quoted = _quoted_articles(blocks, toc)
    in_quote = False  # a quoted article met since the last heading: its （一）（二） are its 项, not headings
    titles = {matter.squash(t) for t in (info_title, fallback_title) if t}
    titles |= {matter.squash(b.text) for b in blocks if b.kind == "title"}
    front = matter.front_blocks(blocks, layout, titles, toc, lambda t: bool(ladder_match(t) or _BARE_HEADING.match(t)),
                                head_end)
    body_seen = False
    here = Matter.BODY
    ranks = [m[1] for b in blocks if b.kind == "para" and (m := ladder_match(b.text.strip())) and m[1] > 0]
    top_rank = min(ranks) if ranks else 2
    top_kind = next((k for k, r, _, _ in LADDER if r == top_rank), SectionKind.CHAPTER)

    for i, b in enumerate(blocks):
        text = b.text.strip()
        if not text:
            continue
        here = front.get(i, Matter.BODY)
        if i in toc:
            add_paragraph(_paragraph(text, b, footnotes, None))
            continue
        bare = _BARE_HEADING.match(re.sub(r"\s+", "", text)) if b.kind == "para" and len(b.lines) == 1 else None
        if bare and (layout.heading_font(b.lines[0]) or layout.centred(b.lines[0])):
            # 序言 / 附则 without a number: a heading at the top rung of the document's ladder.
            if current() is None:
                open_part(fallback_title, b.pages)
            while stack and stack[-1][0] >= top_rank:
                stack.pop()
            parent = stack[-1][1]
            parent_local = "" if parent.kind == SectionKind.PART else parent.id[len(doc_id) + 1:]
            segment = _BARE_IDS[bare.group(1)]
            sec = _Draft(id=new_id(([parent_local] if parent_local else []) + [segment]), level=len(stack),
                         number=None, heading=bare.group(1), kind=top_kind, pages=b.pages)
            parent.children.append(sec)
            stack.append((top_rank, sec))
            continue
        if b.kind == "title" and (MASTHEAD.match(re.sub(r"\s+", "", text)) or i < head_end) and b.pages[0] == 1 and not parts:
            add_paragraph(Paragraph(text=re.sub(r"\s+", "", text), pages=b.pages))
            continue
        sec = current()
        if b.kind == "title" and parts and not body_seen and (matter.date_line(text) or (
                matter.organ_line(text) and sec is not None and not sec.children and matter.set_apart(blocks, i, layout))):
            # A cover's issuing office and date set large under the title, apart from it (moe:
            # 教育部发展规划司, 2009年8月 a third of a page lower), are front matter, not more of the title.
            add_paragraph(Paragraph(text=text, pages=b.pages, matter=Matter.FRONT))
            continue
        if (b.kind == "para" and QUALIFIER.match(text) and sec is not None and sec.kind == SectionKind.PART
                and not sec.paragraphs and not sec.children and layout.centred(b.lines[0])):
            sec.heading = f"{sec.heading}{text}"
            sec.pages = (sec.pages[0], b.pages[1])
            continue
        if b.kind == "title":
            if sec is not None and sec.kind == SectionKind.PART and not sec.paragraphs and not sec.children:
                # Two title blocks in a row (a title broken by spacing) are one title.
                sec.heading = f"{sec.heading}{text}"
                sec.pages = (sec.pages[0], b.pages[1])
            else:
                open_part(text, b.pages)
            continue
        if b.kind == "caption":
            add_paragraph(Paragraph(text=text, pages=b.pages, kind=ParagraphKind.CAPTION))
            continue
        if b.kind == "table":
            add_paragraph(Paragraph(text=text, pages=b.pages, kind=ParagraphKind.TABLE_ROW, cells=b.cells))
            continue
        match = ladder_match(text) if not TOC_LINE.search(b.lines[-1].text) else None
        inside_article = any(rank == ARTICLE_RANK for rank, _ in stack)
        if match:
            body_seen = True
            kind, rank, number, rest, prefix = match
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if kind == SectionKind.APPENDIX and (nxt is None or nxt.kind == "title") and not rest:
                attachment_label = number  # "附件 1" above the attachment's own title
                continue
            listed = ladder_match(rest) or (ladder_match(nxt.text.strip()) if nxt is not None and not rest else None)
            if kind == SectionKind.APPENDIX and listed and listed[0] == SectionKind.POINT:
                # "附件：1．《广东省居住证申请表》" lists the attachments (GB/T 9704 §7.3.6); its
                # numbered lines are the list, not sections.
                attachment_list = True
                match = None
            elif kind == SectionKind.POINT and attachment_list:
                match = None
            elif kind == SectionKind.CLAUSE and not _clause_title(b, number, rest, layout):
                match = None
            elif kind == SectionKind.ARTICLE and i in quoted:
                match, in_quote = None, True
            elif kind in (SectionKind.SUBITEM, SectionKind.SUBPOINT) and (
                    (in_quote and not _next_of(stack, kind, number)) or _continues_list(blocks[i - 1].text if i else "", number)):
                # （二）… of a quoted article (its 项, unless it is the next of the document's own
                # items above it), or the next item of a list run into the text before
                match = None
            elif rank > ARTICLE_RANK and inside_article and not _own_line_title(b, rank, rest, nxt, layout):
                match = None
            else:
                attachment_list = False
        if not match:
            lead = _LEAD.match(text)
            add_paragraph(_paragraph(text, b, footnotes, lead.group(1) if lead else None))
            continue
        in_quote = False
        first_line = len(re.sub(r"\s+", "", b.lines[0].text)) - (len(re.sub(r"\s+", "", text)) - len(re.sub(r"\s+", "", rest)))
        heading, body = _split_heading(kind, rank, rest, len(b.lines) == 1, layout.heading_font(b.lines[0]), first_line)
        if current() is None:
            open_part(fallback_title, b.pages)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1]
        n = cn_to_int(number)
        segment = prefix if kind == SectionKind.APPENDIX and n is None else f"{prefix}{n}"
        if kind == SectionKind.CLAUSE:
            segment = prefix + number.replace(".", "-")
        # Ids nest under the parent's id but leave the part out: "<doc>/ch5/s2".
        parent_local = "" if parent.kind == SectionKind.PART else parent.id[len(doc_id) + 1:]
        sid = new_id(([parent_local] if parent_local else []) + [segment])
        sec = _Draft(id=sid, level=len(stack), number=number, heading=heading.strip(), kind=kind, pages=b.pages)
        parent.children.append(sec)
        stack.append((rank, sec))
        if body.strip():
            offset = len(text) - len(body.lstrip())
            sec.paragraphs.append(_paragraph(body.strip(), b, footnotes, None, shift=offset))
    if not parts and pending:
        open_part(fallback_title, pending[0].pages)
    for p in parts:
        _mark_back(p)
        _series_leads(p)
    for p in parts:
        _span(p)
    return [_freeze(p) for p in parts]


def _mark_back(part: _Draft) -> None:
    """The closing run of a part's paragraphs that is signature, date, dateline or source: back matter."""
    owned = [(d, k) for d in _walk_drafts(part) for k in range(len(d.paragraphs))]
    for n in matter.mark_back([d.paragraphs[k] for d, k in owned]):
        d, k = owned[n]
        if d.paragraphs[k].matter == Matter.BODY:
            d.paragraphs[k] = replace(d.paragraphs[k], matter=Matter.BACK)


def _series_leads(part: _Draft) -> None:
    """Keep run-in leads (软件开发外包。…) only in a document that sets them as its style.

    A plan or scheme names its points in paragraphs that each open with a short phrase closed by
    。, many of them (借制造之力的产业融合经验。…, 跨国公司共享服务中心。…; 明确公开主体。… 依法公开
    信息。…). A statute's 款 never has one, and a lone paragraph that opens with a short sentence
    (使用肺活量计测试。, a preamble's 中国是世界上历史最悠久的国家之一。) is no style: set in the same
    body type, such first sentences are text, and an export that showed them bold would misquote
    the document. So leads inside articles go, and the rest stay where the part has two or more.
    """
    outside: list[tuple[_Draft, int]] = []

    def walk(d: _Draft, in_article: bool) -> None:
        in_article = in_article or d.kind == SectionKind.ARTICLE
        for k, par in enumerate(d.paragraphs):
            if par.lead:
                if in_article:
                    d.paragraphs[k] = replace(par, lead=None)
                else:
                    outside.append((d, k))
        for c in d.children:
            walk(c, in_article)

    walk(part, False)
    if len(outside) < 2:
        for d, k in outside:
            d.paragraphs[k] = replace(d.paragraphs[k], lead=None)


def _walk_drafts(d: _Draft):
    yield d
    for c in d.children:
        yield from _walk_drafts(c)


def _clause_title(b: _Block, number: str, rest: str, layout: Layout) -> bool:
    """2.2.1 网络公示: a numbered clause title is a short line of its own without punctuation; a
    bare "1" needs a heading font too (a paragraph may well begin "3年以上…")."""
    ln = b.lines[0]
    return (len(b.lines) == 1 and 0 < len(rest) <= 24 and not re.search(r"[。；;，,：:！？、]", rest)
            and ("." in number or layout.heading_font(ln)))


_BARE_IDS = {"序言": "preamble", "前言": "preface", "引言": "intro", "附则": "supplementary"}


def _own_line_title(b: _Block, rank: float, rest: str, nxt: _Block | None, layout: Layout) -> bool:
    """A numbered line inside an article that is a sub-heading, not one of its 项 or 目.

    Items of an article are sentences (（一）国家机关；). A line of its own that ends well short
    of the right margin with no punctuation at all — （一）文化程度, （二）职业资格、专业技术
    职称或执业资格 (dg_jifen's scoring article) — titles what follows, and what follows is a
    rung further down (1．…，30分；). A run of short lines on one rung (1．博士计30分 2．硕士计25分)
    is a list, and so is a line that states an amount (1．具有下例条件之一的计30分).
    """
    ln = b.lines[0]
    below = ladder_match(nxt.text.strip()) if nxt is not None and nxt.kind == "para" else None
    followed = nxt is not None and nxt.kind == "para" and (below is None or below[1] > rank)
    return (len(b.lines) == 1 and 0 < len(rest) <= 24 and not re.search(r"[。；;，,：:！？]", rest)
            and not _AMOUNT.search(rest) and (layout.margins(ln)[1] - ln.x1) > 2 * ln.size
            and (followed or layout.heading_font(ln)))


_PAREN_NUMBER = re.compile(rf"[（(]\s*({_NUM}|\d{{1,2}})\s*[)）]")


def _continues_list(before: str, number: str) -> bool:
    """Does ``number`` (（五）, (5)) continue a list whose items ran in the text of the block
    before (…：（一）…；（二）…；（四）…； and a line break)? Then it is that list's next item, not a
    heading: a heading's siblings start their own lines. Only the last item marker of that text
    counts, and not a cross-reference (第十条第（一）项); a list of headings (（四）… opening the
    block before) and numbering carried on from an earlier chapter are left alone."""
    n = cn_to_int(number)
    if not n or n < 2:
        return False
    digits = number.strip("（()） ").isdigit()
    items = [m for m in _PAREN_NUMBER.finditer(before)
             if m.start() > 0 and before[m.start() - 1] != "第" and not before[m.end():m.end() + 1] in ("项", "目", "款")]
    if not items:
        return False
    last = items[-1]
    return cn_to_int(last.group(1)) == n - 1 and last.group(1).isdigit() == digits


def _next_of(stack, kind, number: str) -> bool:
    """Is ``number`` the next of an item of ``kind`` open above it (（三） after the document's own （二）)?"""
    n = cn_to_int(number)
    return n is not None and any(sec.kind == kind and cn_to_int(sec.number or "") == n - 1 for _, sec in stack)


ARTICLE_GAP = 3  # a document's own next article: up to two article lines the text layer ran into the one before


def _quoted_articles(blocks: list[_Block], toc: set[int]) -> set[int]:
    """Indexes of the blocks opening 第…条 that quote other documents' articles, not this one's.

    A document numbers its own articles 第一条, 第二条, … one after another (restarting for an
    attached 办法); a guide that quotes the articles it relies on (a web print's table cell:
    第二十一条 …, 第五十四条 …, 第二十一条 … again) jumps about. Over the real set every law,
    条例 and 办法 steps +1 at all but its restarts, and the three guides that quote at most 4
    steps of 11.

    Where the document has a 第一条, its own articles are the chain from there (each next one a
    step or two on, ARTICLE_GAP, or 第一条 again) and only the rest are quoted: a 办法 quoting other
    rules in an annex keeps its own. With no 第一条, they are its own if at least half the steps
    are +1 (an excerpt from 第十条 on), else all quoted; one lone article that is not 第一条 is
    quoted."""
    found = []
    for i, b in enumerate(blocks):
        if b.kind != "para" or i in toc:
            continue
        m = ladder_match(b.text.strip())
        if m and m[0] == SectionKind.ARTICLE and not TOC_LINE.search(b.lines[-1].text):
            found.append((i, cn_to_int(m[2])))
    if not found:
        return set()
    if any(n == 1 for _, n in found):
        own, last = set(), None
        for i, n in found:
            if n == 1 or (n is not None and last is not None and last < n <= last + ARTICLE_GAP):
                own.add(i)
                last = n
        return {i for i, _ in found if i not in own}
    nums = [n for _, n in found]
    steps = sum(1 for a, b in zip(nums, nums[1:]) if a is not None and b == a + 1)
    own = len(nums) > 1 and steps * 2 >= len(nums) - 1
    return set() if own else {i for i, _ in found}


def _toc_blocks(blocks: list[_Block]) -> set[int]:
    """Indexes of the blocks of a table of contents: its entries repeat headings found later, so
    they are text of the front matter, never sections.

    The contents start at a block 目录 (clean and lines_to_blocks keep it alone), or, without
    one, at a run of three or more entries with leader dots and a page number. Where the entries
    have leader dots (moe: "一、…课题......3"), the contents end at the first block that is no
    entry; an entry may lack the dots but end in its page number ("…提供有力保障 17"), when the
    body repeats its heading later. Without leader dots (民法典: six pages of 编/章/节; laodong_fa,
    shuju: the chapters), the contents run to where the body repeats the first entry's number
    (第一章 again); without such a repeat there is no contents to skip.
    """
    keys = [re.sub(r"\s+", "", b.text) for b in blocks]
    dotted = [bool(b.lines) and bool(TOC_LINE.search(b.lines[-1].text)) for b in blocks]
    start = next((i for i, k in enumerate(keys) if _TOC_HEAD.match(k)), None)
    headed = start is not None
    if start is None:
        start = next((i for i in range(len(blocks)) if dotted[i] and sum(dotted[i:i + 6]) >= 3), None)
        if start is None:
            return set()
        start -= 1  # as if a 目录 stood above the first entry
    if any(dotted[start + 1:start + 4]):
        end = start + 1
        while end < len(blocks) and (dotted[end] or _LOOSE_LEADERS.search(keys[end]) or _numbered_entry(keys, end)):
            end += 1
        return set(range(start if headed else start + 1, end))
    first = None
    for j in range(start + 1, len(blocks)):
        key = keys[j]
        m = ladder_match(key)
        if first is None:
            if m or _BARE_HEADING.match(key):
                first = m[2] if m else key
            continue
        if (m[2] if m else key) == first:
            return set(range(start, j))
    return set()


# Inside a contents, fewer dots do: a long entry leaves room for two ("…重大政策..4").
_LOOSE_LEADERS = re.compile(r"[.．·…]{2,}\d{0,4}$")


def _numbered_entry(keys: list[str], j: int) -> bool:
    """A contents entry without leader dots: a ladder heading, a page number at its end, and the
    same heading standing at the start of a later block."""
    m = re.match(r"^(.{4,}?)\d{1,4}$", keys[j])
    if not m or not ladder_match(m.group(1)):
        return False
    return any(k.startswith(m.group(1)) for k in keys[j + 1:])


def _paragraph(text: str, b: _Block, footnotes, lead, shift: int = 0) -> Paragraph:
    notes = []
    for offset, marker in b.refs:
        page = next((ln.page for ln in b.lines), 0)
        note = footnotes.get((page, marker)) or next(
            (f for (pg, mk), f in footnotes.items() if mk == marker and b.pages[0] <= pg <= b.pages[1]), None
        )
        if note:
            notes.append(replace(note, offset=max(0, offset - shift)))
    # b.text may carry leading spaces that ``text`` (stripped) does not.
    lead_ws = len(b.text) - len(b.text.lstrip())
    # A break before the text starts (a heading line alone at the foot of a page) puts the
    # whole text on the new page: offset 0.
    breaks = tuple({max(0, at - shift - lead_ws): pg for at, pg in b.breaks}.items())
    return Paragraph(text=text, pages=b.pages, footnotes=tuple(notes), lead=lead, breaks=breaks)


def _span(sec: _Draft) -> tuple[int, int]:
    pages = [sec.pages[0], sec.pages[1]] + [p for par in sec.paragraphs for p in par.pages]
    for c in sec.children:
        pages.extend(_span(c))
    pages = [p for p in pages if p]
    sec.pages = (min(pages), max(pages)) if pages else (0, 0)
    return sec.pages


def web_title(pages: list[Page]) -> str | None:
    """The page title a browser printed in its header line, before the URL and the site name.

    Many sites title every page with their own name (深圳市社会保险基金管理局, 武汉市卫生和计划生育
    委员会, 深圳市教育局公开目录): that names the site, not the document, so it is no title."""
    for p in pages[:1]:
        for ln in p.lines:
            m = URL.search(ln.text)
            if ln.label == FURNITURE and m and ln.top < p.height * 0.06:
                title = re.split(r"\s*[-–—|_]\s*(?=[\u4e00-\u9fff])|\.{3}|…", ln.text[: m.start()])[0].strip()
                if len(title) >= 4 and not matter.site_name(title):
                    return title
    return None


def pages_to_sections(doc_id: str, pages: list[Page], fallback_title: str, info_title: str | None = None) -> list[Section]:
    fallback_title = web_title(pages) or fallback_title
    layout = Layout.of(pages)
    blocks = lines_to_blocks(pages, layout)
    return blocks_to_sections(doc_id, blocks, layout, _footnotes_by_page(pages), fallback_title, info_title)
