"""Labelled pages → the heading tree of a ``Document``.

Reading order is pages top to bottom; furniture, footnotes and captions are taken out of the
flow first, so a sentence broken by a page break or a footnote block is joined again.

**Paragraphs.** A line starts a new paragraph when it is indented (GB/T 9704 sets the first
line of a paragraph two characters in), when the line before it ended short of the right
margin, when it is centred, or when its type size changes. Otherwise it continues the
paragraph, across page breaks too. Lines join without a space, except between two Latin words.

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

    附录 / 附件  >  第X编  >  第X章  >  第X节  >  第X条  >  一、  >  （一）  >  1.  >  （1）

* A heading that carries its first sentence on the same line (（一）服务外包产业实现跨越发展。)
  is a heading; the sentence up to its first 。 is the heading text and anything after it is
  the first paragraph. If the first sentence is over 40 characters, the heading keeps only its
  number and the whole sentence is text.
* 第X条 is the leaf of legal documents: the （一）1. items inside an article are its 项 and
  目, the article's text, not headings (Legislation Law practice: 条 > 款 > 项 > 目).
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

from .clean import URL, body_size
from .metadata import normalise_doc_number
from .model import BODY, CAPTION, FOOTNOTE, FURNITURE, TABLE, Footnote, Line, Page, Paragraph, Section

CN_DIGITS = "〇○零一二三四五六七八九十百千两"
_NUM = rf"[{CN_DIGITS}]+"

# (kind, rank, pattern, id prefix). The pattern's group 1 is the number as printed.
LADDER = [
    ("appendix", 0, re.compile(rf"^((?:附录|附件)\s*(?:\d+|{_NUM})?)(?=\s*[:：]|\s*$|\s+\S)"), "appendix"),
    ("book", 1, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*编)"), "b"),
    ("chapter", 2, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*章)"), "ch"),
    ("section", 3, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*节)"), "sec"),
    ("article", 4, re.compile(rf"^(第\s*(?:{_NUM}|\d+)\s*条)"), "art"),
    ("item", 5, re.compile(rf"^({_NUM}\s*[、．.])(?!\d)"), "p"),
    ("subitem", 6, re.compile(rf"^([（(]\s*{_NUM}\s*[)）])"), "s"),
    ("point", 7, re.compile(r"^(\d{1,2}\s*[.．、])(?![\d%％])"), "i"),
    ("subpoint", 8, re.compile(r"^([（(]\s*\d{1,2}\s*[)）])"), "ii"),
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
_SELF_CLAUSE = re.compile(r"^本(?:实施)?(?:办法|通知|细则|规定|条例|意见|方案|决定|规划)")
_CLOSING = re.compile(r"[。！？：；:;!?][”’」』）)]*$")
_BRACKET_TITLE = re.compile(r"^\s*【([^】]{1,20})】")


def cn_to_int(text: str) -> int | None:
    """第十二章 → 12, （二十）→ 20, 3. → 3."""
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    s = re.sub(rf"[^{CN_DIGITS}]", "", text)
    if not s:
        return None
    values = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    for ch in s:
        if ch in values:
            current = values[ch]
        else:
            total += (current or 1) * units[ch]
            current = 0
    return total + current


def ladder_match(text: str):
    """(kind, rank, number, rest, id prefix) if ``text`` starts with a ladder number."""
    for kind, rank, pattern, prefix in LADDER:
        m = pattern.match(text)
        if m:
            number = re.sub(r"\s+", "", m.group(1))
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
        base = len(self.text)
        if self.lines and line.page != self.lines[-1].page:
            self.breaks.append((base, line.page))
        self.refs.extend((base + r.offset, r.marker) for r in line.refs)
        self.text += line.text
        self.lines.append(line)

    @property
    def pages(self) -> tuple[int, int]:
        return (self.lines[0].page, self.lines[-1].page)


@dataclass(frozen=True)
class Layout:
    size: float
    left: float
    right: float
    font: str

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
            fonts[_family(ln.font)] += len(ln.text)
        font = fonts.most_common(1)[0][0] if fonts else ""
        return cls(size=size, left=left, right=right, font=font)

    def indented(self, ln: Line) -> bool:
        return ln.x0 > self.left + 0.8 * self.size

    def ends_paragraph(self, ln: Line) -> bool:
        # Half-width digits and Latin make unjustified lines end early, so a short line ends its
        # paragraph only when it also ends a sentence, or stops over five characters short.
        short_by = (self.right - ln.x1) / ln.size  # in characters
        return short_by > 5 or (short_by > 1.5 and bool(_CLOSING.search(ln.text)))

    def centred(self, ln: Line) -> bool:
        return ln.x0 > self.left + 2.5 * self.size and ln.x1 < self.right - 2.5 * self.size

    def is_title(self, ln: Line) -> bool:
        return ln.size >= self.size * TITLE_RATIO

    def heading_font(self, ln: Line) -> bool:
        return _family(ln.font) != self.font


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
    return bool(m) and (layout.right - prev.x1) < 1.5 * prev.size


def lines_to_blocks(pages: list[Page], layout: Layout) -> list[_Block]:
    blocks: list[_Block] = []
    prev: Line | None = None
    seen_heading = False
    first = [ln for ln in (pages[0].lines if pages else ()) if ln.label == BODY]
    page1_bold = not any(layout.is_title(ln) for ln in first)
    for page in pages:
        for ln in page.lines:
            if ln.label in (FURNITURE, FOOTNOTE):
                continue
            if ln.label == CAPTION:
                blocks.append(_Block("caption"))
                blocks[-1].add(ln)
                continue
            if ln.label == TABLE:
                blocks.append(_Block("table", cells=ln.cells))
                blocks[-1].add(ln)
                prev = None  # the text after a table starts a new paragraph
                continue
            kind = "title" if (
                (layout.is_title(ln) or (ln.page == 1 and page1_bold and not seen_heading and _bold_title(ln, layout)))
                and not ladder_match(ln.text) and not normalise_doc_number(ln.text)
            ) else "para"
            if ladder_match(ln.text):
                seen_heading = True
            cur = blocks[-1] if blocks else None
            # A sentence broken by a page break goes on whatever the new page's indentation:
            # some layouts indent the first line of every page.
            carried = (
                kind == "para" and cur is not None and cur.kind == "para" and prev is not None
                and ln.page != prev.page and not _CLOSING.search(prev.text)
                and not (ladder_match(ln.text) and layout.heading_font(ln))
                and not (len(cur.lines) == 1 and ladder_match(cur.text) and layout.heading_font(prev))
                and not layout.centred(prev)
                and abs(ln.size - prev.size) <= 0.5
            )
            starts = not carried and (
                cur is None
                or cur.kind != kind
                or prev is None
                or (kind == "para" and (
                    layout.indented(ln)
                    or layout.ends_paragraph(prev)
                    or layout.centred(ln)
                    or layout.centred(prev)
                    or abs(ln.size - prev.size) > 0.5
                    or (layout.heading_font(ln) != layout.heading_font(prev) and not _runs_on(cur, prev, layout))
                    or (ladder_match(ln.text) and layout.heading_font(ln))
                ))
                or (kind == "title" and ln.top - prev.bottom > 2.5 * ln.size and ln.page == prev.page)
                or (kind == "title" and ln.page != prev.page)
            )
            if starts:
                blocks.append(_Block(kind))
            blocks[-1].add(ln)
            prev = ln
    return blocks


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
def _split_heading(kind: str, rank: int, rest: str, one_line: bool, titled: bool = True) -> tuple[str, str]:
    """(heading text, remaining paragraph text) for a ladder paragraph.

    ``titled``: the number is set in a heading font (黑体/楷体). In the body font, a number
    followed by one whole sentence (六、本实施细则由市人力资源局负责解释。) is a numbered clause,
    not a title: it keeps its number, and the sentence, with its 。, stays text. So does a
    clause about the document itself in any font (_SELF_CLAUSE).
    """
    if kind == "article":
        m = _BRACKET_TITLE.match(rest)
        if m:
            return m.group(1), rest[m.end():]
        return "", rest
    end = _SENTENCE_END.search(rest)
    if end and rank > ARTICLE_RANK and not rest[end.end():].strip() and (not titled or _SELF_CLAUSE.match(rest)):
        return "", rest
    if end and end.start() <= MAX_HEADING:
        return rest[: end.start()], rest[end.end():]
    if not end and (len(rest) <= MAX_HEADING or one_line):
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


def blocks_to_sections(doc_id: str, blocks: list[_Block], layout: Layout, footnotes, fallback_title: str) -> list[Section]:
    head_end = masthead_end(blocks)
    parts: list[Section] = []
    stack: list[tuple[int, Section]] = []  # (rank, section); parts have rank -1
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
        sec = Section(id=new_id([f"part{len(parts) + 1}"]), level=0, number=attachment_label,
                      heading=title, kind="part", pages=pages)
        attachment_label = None
        parts.append(sec)
        stack[:] = [(-1, sec)]
        if pending:
            sec.paragraphs.extend(pending)
            pending.clear()

    def current() -> Section | None:
        return stack[-1][1] if stack else None

    def add_paragraph(par: Paragraph) -> None:
        sec = current()
        if sec is None:
            pending.append(par)
        else:
            sec.paragraphs.append(par)

    for i, b in enumerate(blocks):
        text = b.text.strip()
        if not text:
            continue
        if b.kind == "title" and (MASTHEAD.match(re.sub(r"\s+", "", text)) or i < head_end) and b.pages[0] == 1 and not parts:
            add_paragraph(Paragraph(text=re.sub(r"\s+", "", text), pages=b.pages))
            continue
        sec = current()
        if (b.kind == "para" and QUALIFIER.match(text) and sec is not None and sec.kind == "part"
                and not sec.paragraphs and not sec.children and layout.centred(b.lines[0])):
            sec.heading = f"{sec.heading}{text}"
            sec.pages = (sec.pages[0], b.pages[1])
            continue
        if b.kind == "title":
            if sec is not None and sec.kind == "part" and not sec.paragraphs and not sec.children:
                # Two title blocks in a row (a title broken by spacing) are one title.
                sec.heading = f"{sec.heading}{text}"
                sec.pages = (sec.pages[0], b.pages[1])
            else:
                open_part(text, b.pages)
            continue
        if b.kind == "caption":
            add_paragraph(Paragraph(text=text, pages=b.pages, kind="caption"))
            continue
        if b.kind == "table":
            add_paragraph(Paragraph(text=text, pages=b.pages, kind="table_row", cells=b.cells))
            continue
        match = ladder_match(text)
        inside_article = any(rank == ARTICLE_RANK for rank, _ in stack)
        if match:
            kind, rank, number, rest, prefix = match
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if kind == "appendix" and (nxt is None or nxt.kind == "title") and not rest:
                attachment_label = number  # "附件 1" above the attachment's own title
                continue
            listed = ladder_match(rest) or (ladder_match(nxt.text.strip()) if nxt is not None and not rest else None)
            if kind == "appendix" and listed and listed[0] == "point":
                # "附件：1．《广东省居住证申请表》" lists the attachments (GB/T 9704 §7.3.6); its
                # numbered lines are the list, not sections.
                attachment_list = True
                match = None
            elif kind == "point" and attachment_list:
                match = None
            elif rank > ARTICLE_RANK and inside_article:
                match = None
            else:
                attachment_list = False
        if not match:
            lead = _LEAD.match(text)
            add_paragraph(_paragraph(text, b, footnotes, lead.group(1) if lead else None))
            continue
        heading, body = _split_heading(kind, rank, rest, len(b.lines) == 1, layout.heading_font(b.lines[0]))
        if current() is None:
            open_part(fallback_title, b.pages)
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1]
        n = cn_to_int(number)
        segment = prefix if kind == "appendix" and n is None else f"{prefix}{n}"
        # Ids nest under the parent's id but leave the part out: "<doc>/ch5/s2".
        parent_local = "" if parent.kind == "part" else parent.id[len(doc_id) + 1:]
        sid = new_id(([parent_local] if parent_local else []) + [segment])
        sec = Section(id=sid, level=len(stack), number=number, heading=heading.strip(), kind=kind, pages=b.pages)
        parent.children.append(sec)
        stack.append((rank, sec))
        if body.strip():
            offset = len(text) - len(body.lstrip())
            sec.paragraphs.append(_paragraph(body.strip(), b, footnotes, None, shift=offset))
    if not parts and pending:
        open_part(fallback_title, pending[0].pages)
    for p in parts:
        _span(p)
    return parts


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


def _span(sec: Section) -> tuple[int, int]:
    pages = [sec.pages[0], sec.pages[1]] + [p for par in sec.paragraphs for p in par.pages]
    for c in sec.children:
        pages.extend(_span(c))
    pages = [p for p in pages if p]
    sec.pages = (min(pages), max(pages)) if pages else (0, 0)
    return sec.pages


def web_title(pages: list[Page]) -> str | None:
    """The page title a browser printed in its header line, before the URL and the site name."""
    for p in pages[:1]:
        for ln in p.lines:
            m = URL.search(ln.text)
            if ln.label == FURNITURE and m and ln.top < p.height * 0.06:
                title = re.split(r"\s*[-–—|_]\s*(?=[\u4e00-\u9fff])|\.{3}|…", ln.text[: m.start()])[0].strip()
                if len(title) >= 4:
                    return title
    return None


def pages_to_sections(doc_id: str, pages: list[Page], fallback_title: str) -> list[Section]:
    fallback_title = web_title(pages) or fallback_title
    layout = Layout.of(pages)
    blocks = lines_to_blocks(pages, layout)
    return blocks_to_sections(doc_id, blocks, layout, _footnotes_by_page(pages), fallback_title)
