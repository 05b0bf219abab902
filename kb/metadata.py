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
* full-width digits (粤府〔２００３〕８１号) are folded to ASCII (clean.FULL_WIDTH, the same table
  the text goes through), so a 发文字号 typed either way by a user normalises the same;
* the date line may write 〇 as ○ (U+25CB WHITE CIRCLE: gov, gd_yinjin); both are zero.
"""
from __future__ import annotations

import re

from .clean import FULL_WIDTH

from .model import Section

_OPEN = "〔[［(（【﹝"
_CLOSE = "〕]］)）】﹞"
DOC_NUMBER = re.compile(
    rf"^([\u4e00-\u9fff]{{1,12}})\s*[{re.escape(_OPEN)}]\s*(\d{{4}})\s*[{re.escape(_CLOSE)}]\s*第?\s*(\d{{1,5}})\s*号$"
)
ORDER_NUMBER = re.compile(r"^([\u4e00-\u9fff]{2,20}令)?\s*[（(]?第\s*(\d{1,5})\s*号[)）]?$")
CN_DATE = re.compile(r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$")
DIGIT_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
ORGAN = re.compile(r"(人民政府|办公厅|办公室|委员会|政府|部|局|厅|委|院|署|会|府|办|中心|管委会)$")
TYPES = [
    "评价结果", "实施细则", "细则", "规划", "纲要", "计划", "办法", "条例", "规定", "意见", "方案",
    "决定", "通知", "通告", "公告", "报告", "说明", "批复", "函", "令", "规则", "标准", "指南",
]
_PUBLISHED = re.compile(r"(?:印发|转发|发布|公布)\s*(?:《([^》]+)》|(.+?))\s*的(?:通知|决定)")


HISTORY = re.compile(r"^[（(].*\d{4}\s*年.*(?:通过|发布|修订|修正|公布)\s*[）)]$")
_HISTORY_STEP = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*([^，,；;）)]*?)(?:通过|发布|修订|修正|公布)")


def normalise_doc_number(text: str) -> str | None:
    """苏府„2011‟159 号 / 东府[2015]111号 → 苏府〔2011〕159号; None if ``text`` is not one."""
    t = re.sub(r"\s+", "", text).translate(FULL_WIDTH)
    m = DOC_NUMBER.match(t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


def cn_date_to_iso(text: str) -> str | None:
    t = re.sub(r"\s+", "", text).translate(FULL_WIDTH)
    m = DIGIT_DATE.match(t)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = CN_DATE.match(t)
        if not m:
            return None
        digits = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
        y = int("".join(str(digits[c]) for c in m.group(1)))

        def small(s: str) -> int:
            if s == "十":
                return 10
            if s.startswith("十"):
                return 10 + digits[s[1]]
            if s.endswith("十"):
                return digits[s[0]] * 10
            if "十" in s:
                return digits[s[0]] * 10 + digits[s[2]]
            return digits[s]

        mo, d = small(m.group(2)), small(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def doc_type(title: str) -> str | None:
    """The genre of the document; for 关于印发《X》的通知 the genre of X, the text users want."""
    m = _PUBLISHED.search(title)
    inner = (m.group(1) or m.group(2)) if m else None
    for candidate in ([inner] if inner else []) + [title]:
        core = re.sub(r"[（(][^）)]*[）)]$", "", candidate).strip("”“\"")
        for t in TYPES:
            if core.endswith(t):
                return t
    return None


IMPRINT_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*印发$")


def extract(sections: list[Section], pdf_meta: dict, furniture=()) -> dict:
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
            date = cn_date_to_iso(t)
            if date and i > 0 and ORGAN.search(front[i - 1].strip()) and len(front[i - 1]) <= 30:
                issuer = front[i - 1].strip()
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
    if issuer is None:
        author = (pdf_meta.get("Author") or "").strip()
        if re.search(r"[\u4e00-\u9fff]", author) and ORGAN.search(author):
            issuer = author
    return {
        "title": title,
        "doc_number": number,
        "issuer": issuer,
        "date": date,
        "doc_type": doc_type(title),
    }
