"""Pages of raw lines → pages of repaired, labelled lines.

Three jobs, in this order:

1. **Repair table** (``repair_text``): font mis-maps of Chinese official PDFs, each rule chosen
   so it cannot damage correct text:

   ====================  ============  =====================================================
   seen                  becomes       why it is safe
   ====================  ============  =====================================================
   臵 (U+81F5)           置            an archaic character no modern document uses; GBK fonts
                                       of 方正/WPS map the glyph of 置 to it (both reference PDFs)
   „2011‟ (U+201E/201F)  〔2011〕      „‟ are German/English low quotes, never Chinese; the
                                       mis-map only ever wraps the year of a 发文字号
   〃 between CJK        ·             the ditto mark stands alone in a table cell; between two
                                       characters of a sentence it is a mis-mapped middle dot
                                       ("中国服务〃苏州创新")
   • / ・ between CJK    ·             same: a bullet never sits inside a phrase
   ⼀ ⼈ (U+2F00–2FDF)   一 人         Kangxi radicals are for dictionaries; in running text
                                       they are a font's mis-map, and NFKC gives the character
                                       (mapped one character at a time: NFKC on the whole
                                       text would also turn （），： into ASCII)
   ⼜ (U+2F1C)           口            not NFKC's 又: Quartz/STSongti maps the glyph of 口 to
                                       the radical "again"; every use in ../shared/real/TRICKY
                                       is 人口/户口, and the radical for 口 is U+2F1D ⼝
   ⻅ ⻓ (U+2E80–2EFF)   见 长         CJK radical supplement forms: same, by the table below
   ２００３ ＩＴＯ       2003 ITO      full-width digits and letters: a typing variant; GB/T 9704
                                       §5.3 writes numbers half-width (``fold_width``)
   � at a line head      (dropped)     a bullet the font could not map (U+FFFD, or Wingdings'
                                       private-use bullets U+F06C/F0A7/F0B7…); a bullet holds
                                       no words
   ====================  ============  =====================================================

2. **Spacing** (``fix_spacing``): extraction puts spaces between CJK and digits or Latin
   (20 世纪 → 20世纪, 159 号 → 159号) and inside CJK runs (总 则); Chinese never uses them.
   Spaces between two Latin/digit tokens (Business Process Outsourcing) are kept. The raw
   character streams confirm these are pdfplumber gap artefacts: ``东府〔2015〕111号`` is
   stored without the space ``extract_text`` shows (survey of ../shared/real). One gap is kept:
   after 第…条 at a line start ("第二条 在…") it marks an article, and stays as one full-width
   space (``ARTICLE_SEPARATOR``) for structure to read.

3. **Labels** (``label_pages``): page numbers (－ 3 －, — 3 —, - 3 -, 第3页, bare numbers in
   the bottom band), header/footer lines repeated across pages, and web-print chrome become
   ``FURNITURE``; small type at the foot of a page that starts with a cited marker becomes a
   ``FOOTNOTE``; 图 1 … lines become ``CAPTION``. Nothing is deleted: structure leaves those
   labels out of the text flow and keeps them beside it.

   Web prints (a browser's "print page": ≥ half the pages carry a URL header or an
   ``N of M <timestamp>`` footer; or page 1 shows two or more menu/breadcrumb lines) also lose, as furniture: every line holding a URL or a
   domain, an ASCII ``|`` (menus: Chinese text never uses it), the site's buttons and boxes
   (打印本页, 当前位置, 版权所有, 索 引 号 … the ``WEB_UI`` list, taken from the four web prints
   in ../shared/real), and lines set under 0.85 × the body size (menus are set small: 7.7 vs
   10.3, 12 vs 16, 10.4 vs 15.7 pt). In any PDF a line that is nothing but a URL goes too.

4. **Page overlap** (``drop_page_overlap``): some printers slice a long web page into pages that
   overlap, so the last k lines (k ≤ 6) of a page come again as the first k of the next
   (moh: k = 1 on p2–p8; TRICKY: k = 4). Only an exact run of identical lines at the very join,
   at least 6 characters long in all, is taken out: real text never repeats itself that way.

5. **Rules and 版记**: a line of box-drawing or dash characters only (the red 分隔线 under the
   发文字号 drawn as text, ━━━) is furniture; GB/T 9704-2012 §7.4 puts the 版记 (抄送：…,
   …印发) after the 正文 — those lines are furniture too, so they do not end up in the last
   article's text.

6. **Tables**: a ruled table's rows (``TABLE`` lines from extract) stay rows; a first row that
   repeats the header row of the table on the page before is a repeated header (a table across
   pages reprints it) and becomes furniture, so each row is indexed once.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace

from .model import BODY, CAPTION, FOOTNOTE, FURNITURE, TABLE, Line, Page
from .text import CJK, CN_DIGITS, RULE_LINE, LazyPattern, fix_spacing, fold_width

# CJK Radicals Supplement: only two have a Unicode compatibility mapping, so the common
# simplified forms that fonts emit are listed by hand (Unicode names "C-SIMPLIFIED …").
RADICAL_SUPPLEMENT = {
    "⺠": "民", "⺟": "母", "⺮": "竹", "⺶": "羊", "⺼": "肉", "⻄": "西", "⻅": "见", "⻆": "角",
    "⻈": "讠", "⻉": "贝", "⻋": "车", "⻌": "辶", "⻐": "钅", "⻓": "长", "⻔": "门", "⻘": "青",
    "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻠": "饣", "⻢": "马", "⻣": "骨",
    "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐",
    "⻮": "齿", "⻰": "龙", "⻳": "龟", "⺁": "厂", "⺇": "几", "⺊": "卜", "⺋": "卩", "⺗": "心",
    "⺝": "月", "⺡": "氵", "⺢": "水", "⺣": "灬", "⺤": "爫", "⺨": "犭", "⺩": "王", "⺪": "疋",
    "⺫": "罒", "⺬": "示", "⺭": "礻", "⺯": "糸", "⺰": "纟", "⺱": "网", "⺸": "羊", "⺹": "耂",
    "⺺": "聿", "⺾": "艹", "⻀": "虍", "⻂": "衤", "⻊": "足", "⻏": "阝", "⻖": "阝",
}

_KANGXI = LazyPattern("[\u2f00-\u2fdf]")
_LEAD_FFFD = LazyPattern("^[\ufffd\uf06c\uf06e\uf075\uf0a7\uf0b7\uf0d8\uf0fc]+\\s*")
KANGXI_OVERRIDES = {"\u2f1c": "口"}
_SUPPLEMENT = LazyPattern("[\u2e80-\u2eff]")
_YEAR_QUOTES = LazyPattern(r"„\s*(\d{4})\s*‟")
_DOT_BETWEEN = LazyPattern(f"(?<=[{CJK}])\\s*[〃•・]\\s*(?=[{CJK}])")


def repair_text(text: str) -> str:
    """Apply the repair table (module docstring) to one string."""
    if not text:
        return text
    text = text.replace("臵", "置")
    # A bullet glyph the font could not map arrives as U+FFFD at the head of a line: the
    # bullet carries no words, so it goes; an U+FFFD inside the text stays, for kb check.
    text = _LEAD_FFFD.sub("", text)
    text = _YEAR_QUOTES.sub(r"〔\1〕", text)
    text = text.replace("„", "〔").replace("‟", "〕")
    text = _DOT_BETWEEN.sub("·", text)
    text = _KANGXI.sub(lambda m: KANGXI_OVERRIDES.get(m.group()) or unicodedata.normalize("NFKC", m.group()), text)
    text = _SUPPLEMENT.sub(lambda m: RADICAL_SUPPLEMENT.get(m.group(), m.group()), text)
    return fold_width(text)


def clean_text(text: str) -> str:
    return fix_spacing(repair_text(text))


# -- labels -----------------------------------------------------------------------------------
_DASHES = "－—\\-–~～_﹣"
PAGE_NUMBER = LazyPattern(
    rf"^(?:[{_DASHES}\s]*(\d{{1,4}})[{_DASHES}\s]*"
    r"|第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|[一二三四五六七八九十]{1,3}\s*[-－—]\s*(\d{1,4})"  # chapter-page: 二-7 (manuals)
    r"|(\d{1,4})\s*/\s*\d{1,4}"
    r"|[Pp]age\s*(\d{1,4})(?:\s*of\s*\d{1,4})?)$"
)
# Browser print chrome: "1 of 7 09/21/2015 02:35 AM", a URL header, "打印本页 关闭窗口" …
WEB_CHROME = LazyPattern(
    r"(https?://|www\.[a-z0-9-]+\.|^\d+\s+of\s+\d+\b|\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}"
    r"|打印本页|关闭窗口|【?字体：|当前位置：|网站首页|本网站搜索|\|\s*\S+\s*\|)"
)
URL = LazyPattern(r"https?://|www\.[A-Za-z0-9-]+\.[A-Za-z]")
URL_ONLY = LazyPattern(r"^\s*(?:https?://|www\.)\S*\s*$")
PRINT_FOOTER = LazyPattern(r"^\d+\s*of\s*\d+\b")
WEB_UI = LazyPattern(
    r"^(?:网站首页|主站首页|English|首\s*页|中文简体|简\s*体\s*繁\s*体|当前位置|您当前的位置|浏览字体|字体大小|"
    r"【\s*字体|【纠错】|【E-mail|打印本页|打印页面|关闭窗口|我要分享|关闭$|相关链接|联系我们|.*版权所有|"
    r"[Cc]opyright|All Rights Reserved|地址[：:]|.*ICP备|技术支持|主办[：:]|建议使用|业务频道|索\s*引\s*号|"
    r"发布机构[:：]|名\s*称[:：]|文\s*号[:：]|分\s*类[:：])"
)
IMPRINT = LazyPattern(r"^(?:抄送[：:]|公开方式[：:]|.{2,40}?\d{4}年\d{1,2}月\d{1,2}日印发$)")
CAPTION_LINE = LazyPattern(r"^(图|表)\s*\d+(\s*[-－.．]\s*\d+)?\s*\S|^[（(](图|表)\s*\d+[)）]$")  # （图6）: a manual's screenshot
_MARKER_START = LazyPattern(r"^(\d{1,2}|[*†‡①②③④⑤⑥⑦⑧⑨⑩])\s*(?=\S)")


def body_size(pages: list[Page]) -> float:
    """The type size most characters are set in."""
    sizes = Counter()
    rows = Counter()
    for p in pages:
        for ln in p.lines:
            # Table rows carry the page's median size, not their own: an attachment of score
            # tables would outweigh the running text (dg_jifen 2015: 14 pt rows, 16 pt body).
            # Letters and digits only: the leader dots of a table of contents are not text.
            (rows if ln.label == TABLE else sizes)[ln.size] += sum(1 for ch in ln.text if ch.isalnum())
    sizes = sizes or rows
    return sizes.most_common(1)[0][0] if sizes else 12.0


def _band(line: Line, page: Page, frac: float) -> str | None:
    if line.bottom <= page.height * frac:
        return "top"
    if line.top >= page.height * (1 - frac):
        return "bottom"
    return None


def _shape(text: str) -> str:
    """A line with its numbers blanked, so "— 3 —" and "— 4 —" repeat as one header."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def page_number_of(line: Line, page: Page) -> str | None:
    """The printed page number, if ``line`` is a page-number line in a top or bottom band."""
    m = PAGE_NUMBER.match(line.text.strip())
    if not m or not _band(line, page, 0.15):
        return None
    return next(g for g in m.groups() if g)


# An article number set apart from its text at a line start ("第二条 在中华人民共和国境内…"): the
# gap is the layout's mark of an article, where a cross-reference wrapped to a line start runs
# on ("第三十六条的规定"). Spacing repair would drop it, so it is kept as one full-width space
# (ARTICLE_SEPARATOR) for structure to read; ladder matching strips it from the article's text.
ARTICLE_SEPARATOR = "\u3000"
_SPACED_ARTICLE = LazyPattern(rf"^\s*(第\s*[{CN_DIGITS}]+\s*条)[ \t\u00a0\u3000]+(?=\S)")


def _clean_line(line: Line) -> Line:
    # Footnote markers point into the raw text; cleaning shortens it, so re-measure each offset
    # as the length of the cleaned text before it.
    refs = tuple(replace(r, offset=len(clean_text(line.text[: r.offset]))) for r in line.refs)
    cells = tuple(clean_text(c) for c in line.cells)
    if cells:
        return replace(line, text=" | ".join(cells), refs=refs, cells=cells)
    text = clean_text(line.text)
    spaced = _SPACED_ARTICLE.match(line.text)
    number = re.sub(r"\s+", "", spaced.group(1)) if spaced else ""
    if number and text.startswith(number) and not text[len(number):].startswith(ARTICLE_SEPARATOR):
        text = text[: len(number)] + ARTICLE_SEPARATOR + text[len(number):]
        refs = tuple(replace(r, offset=r.offset + 1) if r.offset > len(number) else r for r in refs)
    return replace(line, text=text, refs=refs, cells=cells)


def label_pages(pages: list[Page]) -> list[Page]:
    """Repair text and label furniture, footnotes and captions; return new pages."""
    size = body_size(pages)
    repaired = [replace(p, lines=tuple(_clean_line(ln) for ln in p.lines)) for p in pages]

    # Header/footer lines: same shape in the same band on 2+ pages (and on over a third of
    # the pages, so a 40-page plan's two identical chapter openings are not taken for one).
    shapes = Counter()
    for p in repaired:
        seen = {(_band(ln, p, 0.1), _shape(ln.text)) for ln in p.lines if _band(ln, p, 0.1)}
        shapes.update(seen)
    repeated = {k for k, n in shapes.items() if n >= 2 and n >= len(pages) / 3}

    cited = {r.marker for p in repaired for ln in p.lines for r in ln.refs}
    web = is_web_print(repaired)
    if web:
        repaired = _drop_link_words(repaired)
    overlap = page_overlap(repaired)
    headers = repeated_table_headers(repaired)
    in_imprint = False
    out = []
    for p in repaired:
        label = None
        lines = []
        in_footnotes = False
        for k, ln in enumerate(p.lines):
            band = _band(ln, p, 0.1)
            if ln.label == TABLE:
                lines.append(replace(ln, label=FURNITURE if (p.number, k) in headers else TABLE))
                continue
            if ln.label == FURNITURE:  # a web print's link word (_drop_link_words)
                lines.append(ln)
                continue
            if k < overlap.get(p.number, 0) or URL_ONLY.match(ln.text) or RULE_LINE.match(ln.text):
                lines.append(replace(ln, label=FURNITURE))
                continue
            if web and (
                URL.search(ln.text) or "|" in ln.text or WEB_UI.match(ln.text)
                or (PRINT_FOOTER.match(ln.text) and _band(ln, p, 0.1) == "bottom")
                or ln.size < size * 0.85
            ):
                lines.append(replace(ln, label=FURNITURE))
                continue
            if IMPRINT.match(ln.text) and p.number == len(repaired):
                in_imprint = True
            if in_imprint:
                lines.append(replace(ln, label=FURNITURE))
                continue
            number = page_number_of(ln, p)
            if number is not None and label is None:
                label = number
                lines.append(replace(ln, label=FURNITURE))
                continue
            if band and (band, _shape(ln.text)) in repeated:
                lines.append(replace(ln, label=FURNITURE))
                continue
            if _band(ln, p, 0.15) and WEB_CHROME.search(ln.text) and ln.size <= size * 1.05:
                lines.append(replace(ln, label=FURNITURE))
                continue
            small = ln.size <= size * 0.85
            lower = ln.top >= p.height * 0.55
            if small and lower:
                m = _MARKER_START.match(ln.text)
                if m and m.group(1) in cited:
                    in_footnotes = True
                if in_footnotes:
                    lines.append(replace(ln, label=FOOTNOTE))
                    continue
            if CAPTION_LINE.match(ln.text) and (ln.size < size or not ln.text.endswith("。")) and len(ln.text) < 60:
                # "图 1 苏州…": spacing repair glued the number to the caption; restore the space.
                text = re.sub(r"^(图|表)\s*(\d+(?:[-－.．]\d+)?)\s*", r"\1\2 ", ln.text)
                lines.append(replace(ln, text=text, label=CAPTION))
                continue
            if lines and lines[-1].label == CAPTION and CAPTION_LINE.match(lines[-1].text) and _caption_goes_on(lines[-1], ln):
                lines.append(replace(ln, label=CAPTION))
                continue
            lines.append(replace(ln, label=BODY))
        out.append(replace(p, lines=tuple(lines), label=label))
    # Imported here, not with the module: a query command that repairs a typed word
    # (kb.kwic) needs repair_text, not the page labelling's table and web-print rules.
    from . import unruled, webchrome

    if web:
        out = webchrome.label_chrome(out, size)
    return unruled.label_rows(out)


def _caption_goes_on(caption: Line, ln: Line) -> bool:
    """A caption's second line: right under it, same font and size, no sentence (moe's
    "表1 2008年分区域义务教育阶段农民工随迁子女" ‖ "占在校生总数的比例及变化")."""
    # Under the caption's own span: a wider line is the text going on (bj's "（图13）" above "2.在账号…").
    inside = ln.x0 >= caption.x0 - 0.5 * ln.size and ln.x1 <= caption.x1 + 0.5 * ln.size
    return (inside and ln.font == caption.font and abs(ln.size - caption.size) <= 0.3 and len(ln.text) < 40
            and 0 <= ln.top - caption.bottom <= 1.5 * ln.size and not re.search(r"[。；，]", ln.text)
            and not CAPTION_LINE.match(ln.text))


_LINK_TAIL = LazyPattern(r"(?<=[。；！？])([\u4e00-\u9fff]{1,4})$")


def _drop_link_words(pages: list[Page]) -> list[Page]:
    """Web prints: a link word printed after every article ("…之日起施行。释义") is page chrome.

    A short word that follows a sentence end at the close of five or more lines that stop short
    of the right edge (a wrapped line reaching the edge may well end "。本"), or stands as a line
    of its own five or more times, is a link of the site, not the text: the tail is cut off and
    the lone line becomes furniture.
    """
    tails = Counter()
    for p in pages:
        right = max((ln.x1 for ln in p.lines), default=0)
        for ln in p.lines:
            m = _LINK_TAIL.search(ln.text)
            if m and right - ln.x1 > 2 * max(ln.size, 1):
                tails[m.group(1)] += 1
            elif len(ln.text) <= 4 and _HAN_ONLY.match(ln.text):
                tails[ln.text] += 1
    links = {w for w, n in tails.items() if n >= 5}
    if not links:
        return pages
    out = []
    for p in pages:
        right = max((ln.x1 for ln in p.lines), default=0)
        lines = []
        for ln in p.lines:
            m = _LINK_TAIL.search(ln.text)
            if ln.text in links:
                lines.append(replace(ln, label=FURNITURE))
            elif m and m.group(1) in links and right - ln.x1 > 2 * max(ln.size, 1):
                lines.append(replace(ln, text=ln.text[: m.start()]))
            else:
                lines.append(ln)
        out.append(replace(p, lines=tuple(lines)))
    return out


_HAN_ONLY = LazyPattern(r"^[\u4e00-\u9fff]+$")


def is_web_print(pages: list[Page]) -> bool:
    """A browser's printout: a URL header or an ``N of M`` footer on at least half the pages."""
    marked = 0
    for p in pages:
        if any(
            (URL.search(ln.text) and _band(ln, p, 0.06) == "top")
            or (PRINT_FOOTER.match(ln.text) and _band(ln, p, 0.1) == "bottom")
            for ln in p.lines
        ):
            marked += 1
    if pages and marked * 2 >= len(pages):
        return True
    # A site's own PDF export has no browser header, but its first page still shows the
    # site's menu and breadcrumb (moh: "主站首页|本站首页|…", 当前位置, 浏览字体).
    chrome = sum(1 for ln in (pages[0].lines if pages else ()) if ln.text.count("|") >= 2 or WEB_UI.match(ln.text))
    return chrome >= 2


def _same_line(a: Line, b: Line) -> bool:
    return re.sub(r"\s+", "", a.text) == re.sub(r"\s+", "", b.text) and abs(a.x0 - b.x0) <= 1.5


def page_overlap(pages: list[Page], most: int = 6) -> dict[int, int]:
    """{page number: k} where the first k lines repeat the last k lines of the page before."""
    out = {}
    for prev, page in zip(pages, pages[1:]):
        for k in range(min(most, len(prev.lines), len(page.lines)), 0, -1):
            tail, head = prev.lines[-k:], page.lines[:k]
            if all(_same_line(a, b) for a, b in zip(tail, head)) and sum(len(x.text) for x in head) >= 6:
                out[page.number] = k
                break
    return out


def repeated_table_headers(pages: list[Page]) -> set[tuple[int, int]]:
    """(page, line index) of table rows that reprint the header of a table on the page before."""
    out = set()
    header = None
    for p in pages:
        rows = [(k, ln) for k, ln in enumerate(p.lines) if ln.label == TABLE]
        if not rows:
            header = None
            continue
        k, first = rows[0]
        if header is not None and first.cells == header:
            out.add((p.number, k))
        else:
            header = first.cells
    return out
