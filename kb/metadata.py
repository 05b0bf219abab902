"""Document metadata from the structured text: 发文字号, issuer, date, type, title.

Only what the document states is taken, and only from where GB/T 9704 puts it: the 发文字号
stands alone on its line above the title (a 发文字号 cited inside a sentence is a reference to
another document, never this one's); the date stands alone on its line under the signature;
the issuer is the 红头 ("东莞市人民政府文件") or the signature line above the date. Where the
document does not state its issuer, the PDF's Author field is used if it names an organ.
"""
from __future__ import annotations

import re

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


def normalise_doc_number(text: str) -> str | None:
    """苏府„2011‟159 号 / 东府[2015]111号 → 苏府〔2011〕159号; None if ``text`` is not one."""
    t = re.sub(r"\s+", "", text)
    m = DOC_NUMBER.match(t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


def cn_date_to_iso(text: str) -> str | None:
    t = re.sub(r"\s+", "", text)
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


def extract(sections: list[Section], pdf_meta: dict) -> dict:
    """Title, 发文字号, issuer, date and type from the parts of a document."""
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
        if t.endswith("文件") and issuer is None and len(t) <= 20:
            issuer = t[: -2]
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
