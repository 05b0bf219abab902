"""Document metadata from the structured text: 发文字号, issuer, date, type, title.

Only what the document states is taken, and only from where GB/T 9704 puts it: the 发文字号
stands alone on its line above the title (a 发文字号 cited inside a sentence is a reference to
another document, never this one's); the date stands alone on its line under the signature;
the issuer is the 红头 ("东莞市人民政府文件") or the signature line above the date. Where the
document does not state its issuer, the PDF's Author field is used if it names an organ.

Also read, each where the document states it:

* an order (命令/令, GB/T 9704-2012 §8.1): the 发文机关标志 "东莞市人民政府令" with "第138号" on
  the next line gives 东莞市人民政府令第138号, and the issuer (国务院令 → 国务院);
* a rule published with its history in brackets under the title — "(1994年8月29日中华人民共和国
  卫生部令第35号发布)" gives the order number, the issuer and the date; "(…2008年11月28日广东
  省第十一届人民代表大会常务委员会第七次会议第四次修订)" gives the last adoption date and the
  body that adopted it (the 届 is dropped: the standing committee is the issuer);
* full-width digits (粤府〔２００３〕８１号) are folded to ASCII (text.FULL_WIDTH, the same table
  the text goes through), so a 发文字号 typed either way by a user normalises the same;
* the date line may write 〇 as ○ (U+25CB WHITE CIRCLE: gov, gd_yinjin); both are zero.
"""
from __future__ import annotations

import re

from .model import Matter, Metadata, Section
from .text import FULL_WIDTH, ORGAN_ENDINGS, YMD, cn_date_to_iso, month_date_to_iso, normalise_doc_number

ORDER_NUMBER = re.compile(r"^([\u4e00-\u9fff]{2,20}令)?\s*[（(]?第\s*(\d{1,5})\s*号[)）]?$")
ORGAN = re.compile(f"({ORGAN_ENDINGS})$")
# The genre word a title ends with, without its qualifier: 实施细则 is a 细则 as 暂行办法 is a 办法,
# so `--type 细则` finds every set of detailed rules.
TYPES = [
    "评价结果", "细则", "规划", "纲要", "计划", "办法", "条例", "规定", "意见", "方案",
    "决定", "通知", "通告", "公告", "报告", "说明", "批复", "函", "令", "规则", "标准", "指南",
    "宪法", "法", "手册", "决算", "预算", "表",
]
_PUBLISHED = re.compile(r"(?:印发|转发|发布|公布)\s*(?:《([^》]+)》|(.+?))\s*的(?:通知|决定)")


HISTORY = re.compile(r"^[（(].*\d{4}\s*年.*(?:通过|发布|修订|修正|公布)\s*[）)]$")
_HISTORY_STEP = re.compile(
    rf"{YMD}\s*([^，,；;）)]*?)(?:通过|发布|修订|修正|公布)")


def doc_type(title: str) -> str | None:
    """The genre of the document; for 关于印发《X》的通知 the genre of X, the text users want."""
    m = _PUBLISHED.search(title)
    inner = (m.group(1) or m.group(2)) if m else None
    for candidate in ([inner] if inner else []) + [title]:
        core = re.sub(r"(?:[（(][^）)]*[）)])+$", "", candidate).strip("”“\"《》")
        core = re.sub(r"法典$", "法", core)
        for t in TYPES:
            if core.endswith(t):
                return t
    return None


IMPRINT_DATE = re.compile(rf"{YMD}\s*印发$")


def extract(sections: list[Section], pdf_meta: dict, furniture=(), pages=None, file_name: str | None = None) -> Metadata:
    """Title, 发文字号, issuer, date and type from the parts of a document.

    ``furniture``: the lines clean took out of the flow; the 版记's "…年…月…日印发" is the
    date of last resort (GB/T 9704-2012 §7.4.3: the 印发日期), used when the signature's date
    is an image (hz).
    """
    parts = [s for s in sections if s.kind == "part"]
    title = parts[0].heading if parts else ""
    number = issuer = date = None
    front = [p.text for p in (parts[0].paragraphs if parts else [])]
    for i, text in enumerate(front):
        t = text.strip()
        if number is None:
            number = normalise_doc_number(t)
        if date is None and len(t) <= 20:
            date = cn_date_to_iso(t) or sealed_date(t, number)
            if date and i > 0:
                issuer = signers(front[:i]) or issuer
        if t.endswith("文件") and issuer is None and 2 < len(t) <= 20:  # not a lone 文件 beside a joint 版头
            issuer = t[: -2]
    for i, t in enumerate(front[:4]):
        t = re.sub(r"\s+", "", t)
        nxt = re.sub(r"\s+", "", front[i + 1]) if i + 1 < len(front) else ""
        m = ORDER_NUMBER.match(nxt)
        if number is None and re.fullmatch(r"[\u4e00-\u9fff]{2,30}令", t) and m and not m.group(1):
            number = f"{t}第{m.group(2)}号"
            issuer = issuer or re.sub(r"(?:命)?令$", "", t).replace("中华人民共和国", "")
    for i in range(min(3, len(front))):
        t = re.sub(r"\s+", "", front[i])
        # The history may be broken into several paragraphs (gd_renkou): read on to its ")".
        j = i
        while t[:1] in "(（" and t[-1:] not in ")）" and j + 1 < min(len(front), i + 6):
            j += 1
            t += re.sub(r"\s+", "", front[j])
        if not HISTORY.match(t):
            continue
        steps = _HISTORY_STEP.findall(t)
        if steps:
            y, mo, d, who = steps[-1]
            date = date or cn_date_to_iso(f"{y}年{mo}月{d}日")
            order = re.search(r"^(.+?令)第(\d+)号$", who)
            if order:
                number = number or f"{order.group(1)}第{order.group(2)}号"
                issuer = issuer or order.group(1)[:-1]
            else:
                body = re.sub(r"第[一二三四五六七八九十百]+届", "", re.sub(r"第[一二三四五六七八九十百]+次会议.*$", "", who))
                issuer = issuer or (body if ORGAN.search(body) else None)
        break
    # An order ("东莞市人民政府令" + "第138号") numbers itself through its title.
    if number is None and parts and parts[0].heading.endswith("令"):
        for t in front[:3]:
            m = ORDER_NUMBER.match(re.sub(r"\s+", "", t))
            if m:
                number = f"{parts[0].heading}第{m.group(2)}号"
                issuer = issuer or parts[0].heading[:-1].replace("中华人民共和国", "")
                if len(parts) > 1:
                    title = parts[1].heading
                break
    if date is None:
        for ln in furniture:
            m = IMPRINT_DATE.search(re.sub(r"\s+", "", getattr(ln, "text", "")))
            if m:
                date = cn_date_to_iso(f"{m.group(1)}年{m.group(2)}月{m.group(3)}日")
    law = law_history(front)
    if law:
        date = law["date"] or date
        issuer = issuer or law["issuer"]
        if law["order"]:
            number = number or law["order"]
    if date is None and parts:
        date, signer = signature_date(parts[0], number)
        issuer = issuer or signer
    web = web_fields(pages or [])
    date = date or web.get("date")
    issuer = issuer or web.get("issuer")
    title, source = title_of(sections, pdf_meta, pages or [], file_name, title)
    cover_issuer, cover_date = cover_colophon(parts[0].paragraphs if parts else ())
    issuer = issuer or cover_issuer
    date = date or cover_date
    if issuer is None:
        author = (pdf_meta.get("Author") or "").strip()
        if re.search(r"[\u4e00-\u9fff]", author) and ORGAN.search(author):
            issuer = author
    return Metadata(
        title=title,
        title_source=source,
        doc_number=citation_form(number),
        issuer=citation_form(issuer),
        date=date,
        doc_type=doc_type(title),
        adopted=law.get("adopted") if law else None,
        promulgated=law.get("promulgated") if law else None,
        effective=law.get("effective") if law else None,
        adopted_source=law.get("sentence") if law else None,
        promulgated_source=law.get("sentence") if law else None,
    )


def citation_form(name: str | None) -> str | None:
    """中华人民共和国卫生部令第35号 → 卫生部令第35号, as laws cite orders; the 主席令 keeps the
    country's name (中华人民共和国主席令第四十四号 is how it is always cited)."""
    if not name or not name.startswith("中华人民共和国") or name.startswith("中华人民共和国主席"):
        return name
    rest = name[len("中华人民共和国"):]
    return rest if len(rest) >= 2 else name


# A law's adoption and amendments: "2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议
# 通过", "…已由…第八次会议于1994年7月5日通过，现予公布", "根据2012年12月28日…《关于修改…的决定》修正".
_LAW_BODY = r"(?:中华人民共和国)?(?:第[一二三四五六七八九十百]+届)?([\u4e00-\u9fff]{0,12}?人民代表大会(?:常务委员会)?)"
_LAW_STEP = re.compile(
    rf"{YMD}\s*{_LAW_BODY}第[一二三四五六七八九十百]+次(?:全体)?会议"
    rf"[^。；（(]*?(通过|修正|修订)")
_LAW_PASSED = re.compile(
    rf"已由{_LAW_BODY}第[一二三四五六七八九十百]+次会议于\s*{YMD}\s*(通过)")
# "已经2007年1月17日国务院第165次常务会议通过" (an administrative regulation)
_COUNCIL_PASSED = re.compile(rf"已经\s*{YMD}\s*([\u4e00-\u9fff]{{2,20}}?)第\s*\d+\s*次常务会议通过")
_PUBLISHED_ON = re.compile(rf"{YMD}\s*[^，。；（）()]{{0,30}}?(?:令第[^，。；]{{1,8}}号|公告)(?:发布|公布)")
_ORDER_CN = re.compile(r"^((?:中华人民共和国)?[\u4e00-\u9fff]{1,20}?令)\s*第\s*([0-9一二三四五六七八九十百零〇]{1,8})\s*号$")


def law_history(front) -> dict | None:
    """Adoption, amendment and promulgation of a law from the lines under its title (up to 目录)."""
    lines = []
    for p in front[:12]:
        t = re.sub(r"\s+", "", getattr(p, "text", p))
        if t in ("目录", "目次") or re.match(r"^第[一二三四五六七八九十]+[编章]", t):
            break
        lines.append(t)
    text = "".join(lines)
    steps = []
    for m in _LAW_STEP.finditer(text):
        y, mo, d, body, act = m.groups()
        steps.append((f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", body, act))
    for m in _LAW_PASSED.finditer(text):
        body, y, mo, d, act = m.groups()
        steps.append((f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", body, act))
    council = _COUNCIL_PASSED.search(text)
    adopted_council = f"{int(council.group(1)):04d}-{int(council.group(2)):02d}-{int(council.group(3)):02d}" if council else None
    order = None
    for t in lines:
        m = _ORDER_CN.match(t)
        if m:
            order = f"{m.group(1)}第{m.group(2)}号"
            break
    pub = _PUBLISHED_ON.search(text)
    if not steps and not pub and not council:
        return None
    steps.sort()
    adopted = next((d for d, _, a in steps if a == "通过"), None) or adopted_council
    sentence = next((t for t in lines if _LAW_STEP.search(t) or _LAW_PASSED.search(t) or _COUNCIL_PASSED.search(t)), "")
    promulgated = f"{int(pub.group(1)):04d}-{int(pub.group(2)):02d}-{int(pub.group(3)):02d}" if pub else None
    return {
        "date": steps[-1][0] if steps else None,
        "issuer": steps[0][1] if steps else None,
        "adopted": adopted,
        "promulgated": promulgated,
        "effective": promulgated if pub and re.search(r"公布施行|发布施行", text) else None,
        "order": order,
        "sentence": sentence[:300],
    }


def signature_date(part: Section, number: str | None = None) -> tuple[str | None, str | None]:
    """The signature's date (and the organ signed above it) anywhere in the notice's own part —
    a "附件：…" line above the signature may have opened an appendix section (dg_minban)."""
    above: list[str] = []
    for sec in part.walk():
        for p in sec.paragraphs:
            t = p.text.strip()
            if len(t) <= 20:
                iso = cn_date_to_iso(t) or sealed_date(t, number)
                who = signers(above) if iso else None
                if who:
                    return iso, who
            above = [*above[-5:], t]
    return None, None


def signers(above: list[str]) -> str | None:
    """The organs of the signature block that ends with the last of ``above`` (the lines over
    the date), joined by 、; None if the line over the date names no organ.

    The line over the date is one organ or a joint signature on one line (``split_signers``);
    lines above it join the block while they, too, are organs of the same place only (yuejiaokao
    p.6 signs five organs of 广东省 on two lines: three, then two).
    """
    names: list[str] = []
    place = None
    for line in reversed(above[-6:]):
        t = re.sub(r"\s+", "", line)
        if not ORGAN.search(t) or (len(t) > 30 and not names):
            break
        organs = split_signers(t).split("、")
        at = _PLACE.match(organs[0])
        if names:
            if (place is None or len(t) > 60 or not all(o.startswith(place) and ORGAN.search(o) for o in organs)
                    or any(len(o) > 30 for o in organs)):
                break
        else:
            place = at.group() if at else None
        names[:0] = organs
        if place is None:
            break
    return "、".join(names) if names else None


# Where one organ's name ends (ORGAN, the longer endings first) and the next may begin.
_ORGAN_END = re.compile(r"(?:人民政府|办公厅|办公室|委员会|管委会|中心|政府|部|局|厅|委|院|署|会|办)$")
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,7}?(?:自治区|特别行政区|省|市|县|区|州|盟|旗)")


def split_signers(signature: str) -> str:
    """The organs of a joint signature as separate names joined by 、, as the page sets them
    side by side: 南京市人力资源和社会保障局南京市财政局 → 南京市人力资源和社会保障局、南京市财政局.

    A joint signature arrives as one run: the organs stand on one line with a wide gap, which
    cleaning (and a text layer) closes. Organs that sign together are of one place, so the run
    is cut where an organ's name has ended and the signature's place (南京市, 广州市, 广东省)
    begins again; a single organ is never cut (its place does not recur after an organ's ending).
    """
    name = re.sub(r"\s+", "", signature)
    place = _PLACE.match(name)
    if not place:
        return signature
    cuts = [m.start() for m in re.finditer(re.escape(place.group()), name)
            if m.start() > 0 and _ORGAN_END.search(name[:m.start()])]
    if not cuts:
        return signature
    pieces = [name[a:b] for a, b in zip([0, *cuts], [*cuts, len(name)])]
    if not all(ORGAN.search(p) and len(p) > len(place.group()) + 1 for p in pieces):
        return signature
    return "、".join(pieces)


# A date under a seal that lost a digit of its year or gained a speck (gz p.2 prints 2015年11月
# 23日 under the ring of its seal; read 201年11月.23日).
_SEALED_DATE = re.compile(r"^(\d{3,4})年(\d{1,2})月[.·,，、]?(\d{1,2})日$")


def sealed_date(text: str, number: str | None) -> str | None:
    """A signature date damaged by a seal: a speck between its parts is dropped, and a year with
    a digit lost (201年) takes the year of the document's own 发文字号 (穗建住保〔2015〕1312号)
    when that year begins with the digits read; otherwise None (no year is guessed)."""
    m = _SEALED_DATE.match(re.sub(r"\s+", "", text).translate(FULL_WIDTH))
    if not m:
        return None
    year, month, day = m.groups()
    if len(year) == 3:
        issued = re.search(r"〔(\d{4})〕", number or "")
        if not issued or not issued.group(1).startswith(year):
            return None
        year = issued.group(1)
    return cn_date_to_iso(f"{year}年{month}月{day}日")


_WEB_DATE = re.compile(r"(?:发布日期|发文日期|成文日期|信息提供日期|生成日期|发布时间)\s*[:：]\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_WEB_ISSUER = re.compile(r"(?:发布机构|信息来源|发文机关|实施机关)\s*[:：|]\s*([\u4e00-\u9fff]{2,30}?)(?=信息提供|发文日期|发布日期|\s|$|\[|\|)")


def web_fields(pages) -> dict:
    """The date and issuer a government site prints in its page-information block (发布日期：…,
    发布机构：…, 信息来源：…), read from the first page's lines of any label."""
    out: dict = {}
    for pg in pages[:1]:
        for ln in pg.lines:
            t = re.sub(r"\s+", " ", ln.text)
            m = _WEB_DATE.search(t)
            if m and "date" not in out:
                out["date"] = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            m = _WEB_ISSUER.search(t.replace(" ", ""))
            if m and "issuer" not in out and ORGAN.search(m.group(1)):
                out["issuer"] = m.group(1)
    return out


_JUNK_TITLE = re.compile(r"您的位置|当前位置|首页|目录$|^目\s*录$|^前\s*言$|http|www\.")


def _genre_like(title: str) -> bool:
    return bool(re.search(r"(?:" + "|".join(TYPES + ["法", "表", "手册", "决算", "预算", "法典", "报告"]) + r")(?:[（(][^）)]*[）)])*$", title))


def pdf_title(pdf_meta: dict) -> str | None:
    """The Info /Title, decoded when it is GBK bytes pdfminer read as PDFDocEncoding or left as
    hex (<4D6963…>), and stripped of the "Microsoft Word - " and ".doc" a printer driver adds."""
    raw = (pdf_meta.get("Title") or "").strip()
    if not raw:
        return None
    text = raw
    if re.fullmatch(r"<[0-9A-Fa-f]+>?", raw):
        hexes = raw.strip("<>")
        try:
            text = bytes.fromhex(hexes[: len(hexes) // 2 * 2]).decode("gbk", errors="ignore")
        except ValueError:
            return None
    elif not re.search(r"[\u4e00-\u9fff]", raw) and any(0x80 <= ord(c) <= 0xFF for c in raw):
        try:
            text = raw.encode("latin-1").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
    text = re.sub(r"^Microsoft Word\s*-\s*", "", text)
    text = re.sub(r"\.(?:docx?|wps|pdf|rtf)$", "", text.strip(), flags=re.I)
    text = re.sub(r"^附件\s*\d*\s*[:：]\s*", "", text).strip()
    return text if re.search(r"[\u4e00-\u9fff]{4}", text) else None


_ATTACHMENT_LINE = re.compile(r"^附件\s*\d*\s*[:：]\s*(\S.{3,60})$")


def title_of(sections, pdf_meta, pages, file_name, layout_title) -> tuple[str, str]:
    """(title, where it came from): layout (the title the page sets large, as structure found
    it), pdf-title (the Info /Title, decoded), or file-name. A first part that is a site banner,
    a breadcrumb or a 目录 page gives way to the next part that reads as a title."""
    parts = [s for s in sections if s.kind == "part"]
    raw_title = (pdf_meta.get("Title") or "").strip()
    # structure names a part it found no title for after the file or a raw /Title; a /Title
    # that reads as Chinese may be the real title, set large on the page too.
    junk_title = raw_title if raw_title and (raw_title.startswith("<") or "Microsoft Word" in raw_title
                                             or not re.search(r"[\u4e00-\u9fff]", raw_title)) else None
    fallback = {file_name, junk_title} - {None, ""}
    heads = [p.heading for p in parts if p.heading and p.heading not in fallback]
    if heads:
        first = re.sub(r"\s*目\s*录$", "", heads[0]) if heads[0] not in ("目录", "目 录") else ""
        if first and (not _JUNK_TITLE.search(first) and (_genre_like(first) or len(heads) == 1 or not any(_genre_like(h) for h in heads[1:3]))):
            return first, "layout"
        for h in heads[1:3]:
            if _genre_like(h) and not _JUNK_TITLE.search(h):
                return h, "layout"
        if first:
            return first, "layout"
    for pg in pages[:1]:
        for ln in pg.lines[:3]:
            m = _ATTACHMENT_LINE.match(ln.text.strip())
            if m and ln.label != "furniture":
                return m.group(1).strip(), "layout"
    from_pdf = pdf_title(pdf_meta)
    if from_pdf:
        return from_pdf, "pdf-title"
    return layout_title or (file_name or ""), "file-name"


def cover_colophon(paragraphs) -> tuple[str | None, str | None]:
    """(issuer, date) a cover prints under its title: the front matter's date line, to the month
    when no day is printed (教育部发展规划司 ‖ 2009年8月 → 2009-08), and the office on the line
    above it. kb.matter has read both lines as front matter, not as more of the title."""
    front = [p.text for p in paragraphs if p.matter == Matter.FRONT]
    for i, t in enumerate(front):
        date = cn_date_to_iso(t) or month_date_to_iso(t)
        if date:
            above = re.sub(r"\s+", "", front[i - 1]) if i else ""
            return (above if _COVER_OFFICE.search(above) and len(above) <= 30 else None), date
    return None, None


# A cover's issuing office: an organ, or one of a ministry's offices (司, 处, 研究所) — a line of its
# own, without a sentence's punctuation.
_COVER_OFFICE = re.compile(f"^[^，。；：、,;:]+(?:{ORGAN_ENDINGS}|司|处|研究所)$")
