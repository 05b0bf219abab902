"""Front matter, back matter and body: what each paragraph of a document is to a reader.

A document's first lines are seldom its text. GB/T 9704-2012 puts the 版头 (东莞市人民政府文件,
国务院令), the 发文字号 and the 主送机关 (各镇人民政府…：) above the body; a law carries its
题注 (（…会议通过）), its promulgation order (…现予公布…, 主席 and date) and a 目录; a report
a cover (title, issuing office, 2009年8月); a web print or a table repeats the title the PDF
names in its /Title field. After the text, the signature, the date, a 新华社 dateline or a
【来源：…】 line close it. All of that is kept (metadata reads it, export prints it, search finds
it) but it is not the document's text: "the first sentence" of a document is the first sentence
of its body (kb.quote), never its 发文字号.

The evidence, each piece one that holds across layouts (not one document's):

* position: front matter only stands before the first heading or body paragraph of the
  document, back matter only after the last body paragraph of a part;
* what the line is: a 版头 or order masthead, a 发文字号 / order number / code line, a date
  alone (2016年4月26日, 二○○七年四月五日, 2009年8月), an organ or an office-holder alone (广东省
  人民政府, 总理温家宝), a 主送 line (各…：), a 题注 in brackets, a promulgation formula (现予公布),
  a 目录 and its entries, the title again (the PDF's /Title field or the title the page sets);
* layout: a short line centred on the first page with a gap of more than two type sizes below
  it (a cover's lines) — the cover's issuer and date set large stay front matter, not part of
  the title above them.

A web print's site name and navigation are furniture (kb.clean) and never reach this stage; its
browser header gives a title only where the page sets none (kb.structure.web_title).
"""
from __future__ import annotations

import re

from .model import Matter
from .text import DATE, HAN, ORGAN_ENDINGS, cn_date_to_iso, month_date_to_iso, normalise_doc_number

# Where an organ's name ends (as kb.metadata reads an issuer), and the offices of a ministry: 司, 处, 研究所.
ORGAN_END = re.compile(f"(?:{ORGAN_ENDINGS}|司|处|研究所)$")
MASTHEAD = re.compile(rf"^[{HAN}（）]{{2,30}}(?:文件|命令|令)$")
ORDER_NUMBER = re.compile(r"^(?:[\u4e00-\u9fff]{2,20}令)?[（(]?第[0-9一二三四五六七八九十百零〇]{1,8}号[)）]?$")
# A file code printed above the 版头 (HFGS—2016—3): Latin letters and digits, no Chinese.
CODE_LINE = re.compile(r"^[A-Z]{2,}[A-Z0-9]*(?:[—\-－][A-Z0-9]+)+$")
# An office-holder signing an order: 总理温家宝, 中华人民共和国主席习近平, 市长.
SIGNER = re.compile(rf"^(?:中华人民共和国)?[{HAN}]{{0,10}}?(?:主席|总理|省长|市长|县长|区长|部长|主任|局长|厅长)[{HAN}]{{0,4}}$")
# 主送: 各…： on one line, or over two where the first closes with ；(苏府〔2011〕159号: 各市、区人民
# 政府，…管委会； ‖ 市各委办局，各直属单位：).
ADDRESSEE = re.compile(r"^各[^。]{1,120}[：:；;]$")
ADDRESSEE_REST = re.compile(r"^[^。；;]{1,120}[：:]$")
# A law's 题注 under its title: its adoption, amendments, promulgation, in brackets or not.
HISTORY = re.compile(rf"^[（(]?{DATE}.*(?:通过|发布|修订|修正|公布|批准|施行)")
PROMULGATION = re.compile(r"现予(?:公布|发布|颁布)")
DATELINE = re.compile(r"^[（(]新华社[^（）()]{0,20}电[）)]$")
SOURCE_LINE = re.compile(r"^[【\[（(]?来源[：:].*[】\]）)]?$")
IMPRINT = re.compile(rf"^(?:抄送[：:]|抄报[：:]|公开方式[：:]|打印日期|.{{0,40}}?{DATE}\s*印发$)")
_PUNCT = re.compile(r"[。，；：！？,;:!?]")
_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub("", text or "")


def date_line(text: str) -> bool:
    t = squash(text)
    return bool(cn_date_to_iso(t) or month_date_to_iso(t))


def organ_line(text: str) -> bool:
    """An organ's name alone on its line: a signature or a cover's issuing office."""
    t = squash(text)
    return 2 < len(t) <= 30 and not _PUNCT.search(t) and bool(ORGAN_END.search(t))


_SITE = re.compile(r"(?:门户网站|网站|门户|公开目录|信息公开(?:网|平台)?|政务网)$")


def site_name(text: str) -> bool:
    """A web page's header naming its site (an organ, its portal, its 公开目录), not a document."""
    t = squash(text)
    return organ_line(t) or bool(_SITE.search(t) and organ_line(_SITE.sub("", t)))


def front_cue(text: str) -> str | None:
    """What a paragraph standing before the body is, when it is one of the front matter's lines."""
    t = squash(text)
    if not t:
        return None
    if MASTHEAD.match(t):
        return "masthead"
    if normalise_doc_number(t) or ORDER_NUMBER.match(t) or CODE_LINE.match(t):
        return "number"
    if date_line(t):
        return "date"
    if organ_line(t) or SIGNER.match(t):
        return "issuer"
    if ADDRESSEE.match(t):
        return "addressee"
    if HISTORY.match(t) and len(t) <= 400 and not re.search(r"[。；]", t[:-1]):
        return "history"
    if PROMULGATION.search(t) and len(t) <= 200:
        return "promulgation"
    return None


def back_cue(text: str) -> str | None:
    """What a paragraph closing a part is, when it is one of the back matter's lines."""
    t = squash(text)
    if not t:
        return None
    if date_line(t):
        return "date"
    if organ_line(t) or SIGNER.match(t):
        return "issuer"
    if DATELINE.match(t):
        return "dateline"
    if SOURCE_LINE.match(t):
        return "source"
    if IMPRINT.match(t):
        return "imprint"
    return None


def front_blocks(blocks, layout, titles, toc: set[int], heading, head_end: int = 0) -> dict[int, Matter]:
    """Indexes of the blocks (kb.structure's) that are front matter: from the top of the document
    up to its first heading or body paragraph.

    ``titles``: what the document's title reads as (the PDF's /Title, the title blocks), squashed;
    ``toc``: the contents' blocks; ``heading(text)``: whether a paragraph opens a heading (the
    ladder), which ends the front matter; ``head_end``: blocks of page 1 above the 发文字号 (a
    joint 版头).
    """
    out: dict[int, Matter] = {}
    depth = 0  # brackets a 题注 has opened and not closed: it runs on over the paragraph breaks
    prev_cue, prev_text = None, ""
    for i, b in enumerate(blocks):
        text = squash(b.text)
        if not text:
            continue
        if b.kind == "title":
            if MASTHEAD.match(text) or i < head_end:
                out[i] = Matter.FRONT
            continue
        if b.kind != "para":
            break
        if i in toc or depth > 0:
            out[i] = Matter.FRONT
            depth = max(0, depth + _balance(text)) if depth > 0 else 0
            continue
        if heading(text):
            break
        cue = front_cue(text)
        if cue is None and prev_cue == "addressee" and ADDRESSEE_REST.match(text) and prev_text.endswith(("；", ";")):
            cue = "addressee"
        if cue is None and text in titles:
            cue = "title"
        if cue is None and _cover_line(blocks, i, layout):
            cue = "cover"
        if cue is None:
            break
        out[i] = Matter.FRONT
        prev_cue, prev_text = cue, text
        if cue == "history":
            depth = max(0, _balance(text))
    return out


def _balance(text: str) -> int:
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def _cover_line(blocks, i: int, layout) -> bool:
    """A short line centred on page 1 with more than two type sizes of space below it."""
    b = blocks[i]
    if len(b.lines) != 1 or b.lines[0].page != 1:
        return False
    ln = b.lines[0]
    t = squash(ln.text)
    if len(t) > 30 or _PUNCT.search(t) or not layout.centred(ln):
        return False
    return i + 1 == len(blocks) or set_apart(blocks, i + 1, layout)  # the last line of its page, or a gap below


def set_apart(blocks, i: int, layout) -> bool:
    """Block ``i`` stands more than two type sizes below the block above it, or on a later page."""
    if i == 0 or not blocks[i].lines or not blocks[i - 1].lines:
        return True
    above, first = blocks[i - 1].lines[-1], blocks[i].lines[0]
    return first.page != above.page or first.top - above.bottom > 2 * max(first.size, layout.size)


def mark_back(paragraphs: list) -> list[int]:
    """Indexes of the closing run of ``paragraphs`` (a part's, in reading order) that is back
    matter: signature, date, dateline, source and imprint lines after the last body paragraph."""
    out = []
    for k in range(len(paragraphs) - 1, -1, -1):
        p = paragraphs[k]
        if p.kind != "text" or back_cue(p.text) is None:
            break
        out.append(k)
    # A part that is nothing but such lines (a cover) has no body to close.
    return out if len(out) < len(paragraphs) else []
