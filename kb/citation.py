"""The standard Chinese citation of a document or a section of one.

Form (the way papers and legal texts cite a 规范性文件), each piece only where the document
states it::

    东莞市人民政府《关于印发〈东莞市人才入户管理办法〉的通知》（东府〔2015〕111号，2015年12月18日）附件《东莞市人才入户管理办法》第二十六条

- issuer, then the title in 《》 (a 《》 inside the title becomes 〈〉, the rule for nested book
  title marks, GB/T 15834-2011 4.15);
- in （）: the 发文字号 and the date under the signature (二○一五年十二月十八日 → 2015年12月18日);
- the part the section lies in, when it is not the notice itself: a part the document labels
  附件 / 附件1 is named so (附件1《…》); a later part that is not labelled is what the notice
  publishes or forwards, named by the notice's own verb (印发的《…》, 转发的《…》; else 附件《…》).
  Its title in 《》 is left out when it only repeats the document's title;
- the locator, as the document numbers it: from the 第X条 down when there is an article (an
  article number is unique in its text, so legal citation omits the chapter: 第二十六条), else
  the whole number path (第五章（二）, 一、（一）1, 附录（三）).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Document, Section, SectionKind


@dataclass(frozen=True)
class Citation:
    issuer: str | None
    title: str
    doc_number: str | None
    date: str | None  # ISO 8601
    attachment: str | None  # 附件《…》, or None
    locator: str  # 第二十六条, 第五章（二）; "" for a whole document or a part

    @property
    def text(self) -> str:
        facts = "，".join(x for x in (self.doc_number, chinese_date(self.date)) if x)
        # 附件1 一、（六）: a space where a bare label would run into the numbers.
        gap = " " if self.attachment and self.locator and not self.attachment.endswith("》") else ""
        return "".join([self.issuer or "", f"《{nested(self.title)}》", f"（{facts}）" if facts else "",
                        self.attachment or "", gap, self.locator])

    def record(self) -> dict:
        return {"text": self.text, "issuer": self.issuer, "title": self.title, "doc_number": self.doc_number,
                "date": self.date, "attachment": self.attachment, "locator": self.locator}


def nested(title: str) -> str:
    return title.replace("《", "〈").replace("》", "〉")


def chinese_date(iso: str | None) -> str | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return iso or None
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"


def _trail(doc: Document, sec: Section) -> list[Section]:
    """The sections from the top of the document down to ``sec``, inclusive."""

    def down(sections, trail):
        for s in sections:
            if s is sec or s.id == sec.id:
                return trail + [s]
            found = down(s.children, trail + [s])
            if found:
                return found
        return None

    return down(doc.sections, []) or [sec]


_ATTACHMENT = re.compile(r"^附件\s*([0-9０-９一二三四五六七八九十]*)[：:\s]*")


def attachment(doc: Document, part: Section | None) -> str | None:
    """附件1《title》, 印发的《title》 … for a part other than the notice, else None."""
    if part is None or part.kind != SectionKind.PART:
        return None
    label = (part.number or "").strip()
    m = _ATTACHMENT.match(label) or _ATTACHMENT.match(part.heading)
    first = doc.sections and doc.sections[0] is part
    if not m and first:
        return None
    verb = next((v for v in ("印发", "转发") if v in doc.title), None)
    name = ("附件" + m[1]) if m else f"{verb}的" if verb else "附件"
    heading = _ATTACHMENT.sub("", part.heading).strip() if not label.startswith("附件") else part.heading.strip()
    same = re.sub(r"\s+", "", heading) == re.sub(r"\s+", "", doc.title)
    return name if not heading or same else f"{name}《{nested(heading)}》"


def locator(trail: list[Section]) -> str:
    numbered = [s for s in trail if s.kind != SectionKind.PART and s.number]
    articles = [i for i, s in enumerate(numbered) if s.kind == SectionKind.ARTICLE]
    if articles:
        numbered = numbered[articles[0]:]
    parts = [s.number.strip() for s in numbered]
    if parts:
        parts[-1] = parts[-1].rstrip("、.．")
    return "".join(parts)


def cite(doc: Document, sec: Section | None = None) -> Citation:
    trail = _trail(doc, sec) if sec is not None else []
    part = trail[0] if trail and trail[0].kind == SectionKind.PART else None
    return Citation(issuer=doc.issuer, title=doc.title, doc_number=doc.doc_number, date=doc.date,
                    attachment=attachment(doc, part), locator=locator(trail))


# -- where a search hit's match stands ------------------------------------------------------
def match_page(sec: Section, needles: list[str]) -> int:
    """The PDF page of the first place, in reading order, where one of ``needles`` stands.

    The section's own heading and text first, then its sub-sections': a section is also found
    by its children's headings (kb.index's context field), and the page is where the word is.
    """
    needles = [n.lower() for n in needles if n]
    for s in sec.walk():
        if any(n in s.title.lower() for n in needles):
            return s.pages[0]
        for par in s.paragraphs:
            text = par.text.lower()
            found = [at for at in (text.find(n) for n in needles) if at >= 0]
            if found:
                return par.page_at(min(found))
    return sec.pages[0]


def hit_sources(index_dir, hits) -> list[dict]:
    """For each search hit: the PDF's absolute path, the page of the match, and the citation."""
    from .store import Store

    snap = Store(index_dir).snapshot()
    # What the query matched, from every hit's highlights: a hit found through its sub-sections'
    # headings has none in its own snippet, and its page is where the word is.
    marks = sorted({h.snippet[a:b] for h in hits for a, b in h.highlights}, key=len, reverse=True)
    from . import docstore

    ds = docstore.reader(snap)
    out = []
    for h in hits:
        # The hit's section and the chain above it (kb.docstore), not its whole document.
        found = ds.target(h.doc_id, h.section_id)
        if found is None:  # the search index and the store of one generation hold the same sections
            raise docstore.damaged(ds.path, f"no section {h.section_id}")
        doc, sec = found
        needles = [h.snippet[a:b] for a, b in h.highlights] or marks
        out.append({
            "path": snap.manifest[h.doc_id]["path"],
            "page": match_page(sec, needles),
            "citation": cite(doc, sec).text,
        })
    return out
