"""The document model every stage passes along.

extract → clean → structure produce, in turn, ``Page`` lists (lines with their font, size and
position), labelled pages, and a ``Document`` whose sections form the heading tree. Stages
return new objects and never mutate their input. Every record here is frozen: ``structure``
builds the heading tree in private drafts and freezes it, as ``glossary`` builds a ``Term`` from
its ``_Draft``, so the one cached copy of a document (kb.store) can be shared with every caller.
A frozen record's sequences are tuples; a list given to one is made a tuple.

One JSON codec: ``to_dict``/``from_dict`` here are the only code that knows how a document or a
term is written under index/ (kb.docstore keeps each section's paragraphs in this form).

Provenance: ``pages`` everywhere are 1-based PDF page indexes (what a PDF viewer's "go to page"
takes). The number printed on the page (－ 3 －) is kept beside in ``Document.page_labels``,
because cover pages and unnumbered notices make the two differ.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    """What a line is, after docling-core's content layers: body text is searched; the rest is
    kept so export and tests can still see it, but search and keyword lookup leave it out.
    A ``str``: it is written to JSON, and compared, as its value ("body")."""

    BODY = "body"
    FURNITURE = "furniture"  # page numbers, running headers/footers, web-print chrome
    FOOTNOTE = "footnote"
    CAPTION = "caption"
    TABLE = "table"


BODY, FURNITURE, FOOTNOTE, CAPTION, TABLE = Label


class ParagraphKind(StrEnum):
    """What a paragraph is: running text, a caption, or one row of a ruled table."""

    TEXT = "text"
    CAPTION = "caption"
    TABLE_ROW = "table_row"


class Matter(StrEnum):
    """Where a paragraph stands in the document (kb.matter): its text, or the matter before it
    (版头, 发文字号, 主送, a law's 题注 and promulgation order, a cover, a 目录) or after it
    (signature, date, dateline, source, 版记). Quoting "the first sentence" skips all but body."""

    BODY = "body"
    FRONT = "front"
    BACK = "back"


class SectionKind(StrEnum):
    """What a section is: a part of the document (the notice, each 附件), or the rung of the
    numbering ladder its number stands on (kb.structure.LADDER), outermost first."""

    PART = "part"
    APPENDIX = "appendix"  # 附录 / 附件 inside a part
    BOOK = "book"  # 第一编
    SUBBOOK = "subbook"  # 第一分编
    CHAPTER = "chapter"  # 第一章
    SECTION = "section"  # 第一节
    ARTICLE = "article"  # 第一条
    CLAUSE = "clause"  # 2.1 of a standard
    ITEM = "item"  # 一、
    SUBITEM = "subitem"  # （一）
    POINT = "point"  # 1.
    SUBPOINT = "subpoint"  # （1）


# The codec reads a label by a dict lookup: calling the enum costs more than the rest of a line.
_LABELS = {m.value: m for m in Label}
_KINDS = {m.value: m for m in ParagraphKind}
_MATTERS = {m.value: m for m in Matter}
_SECTION_KINDS = {m.value: m for m in SectionKind}


def _tuples(obj, *names) -> None:
    """Make the named sequence fields of a frozen record tuples (a caller may pass lists)."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, tuple):
            object.__setattr__(obj, name, tuple(value))


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote marker cut out of a body line (a superscript ``1``)."""

    offset: int  # character offset in the line (later: paragraph) text where the marker stood
    marker: str


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # median character size
    font: str  # font name of the first character, subset prefix removed
    label: Label = Label.BODY
    refs: tuple[FootnoteRef, ...] = ()
    cells: tuple[str, ...] = ()  # for label TABLE: the row's cells
    # Read by OCR from the page image (kb/ocr.py), not from a text layer: position and size are
    # estimates and the text may be wrong, with the recogniser's confidence (0–1) to say how far.
    ocr: bool = False
    ocr_confidence: float | None = None


@dataclass(frozen=True)
class Page:
    number: int  # 1-based PDF page index
    width: float
    height: float
    lines: tuple[Line, ...]
    label: str | None = None  # the printed page number, when the page shows one
    ocr: bool = False  # the page had no text layer; its lines were read by OCR


@dataclass(frozen=True)
class Footnote:
    marker: str
    text: str
    page: int
    offset: int  # where the marker stands in the citing paragraph's text


@dataclass(frozen=True)
class Paragraph:
    text: str
    pages: tuple[int, int]
    kind: ParagraphKind = ParagraphKind.TEXT
    footnotes: tuple[Footnote, ...] = ()
    lead: str | None = None  # a run-in lead: "软件开发外包" of "软件开发外包。软件开发外包已成为…"
    cells: tuple[str, ...] = ()  # kind table_row: the cells
    # (offset in text, PDF page) where the paragraph moves on to a new page: a keyword's page is
    # then exact for a paragraph that runs across a page break, not just (first, last).
    breaks: tuple[tuple[int, int], ...] = ()
    # Some of the text came from OCR (kb/ocr.py): quote it with care. The confidence is the mean
    # of its OCR lines', weighted by their length.
    ocr: bool = False
    ocr_confidence: float | None = None
    matter: Matter = Matter.BODY  # front or back matter: kept and searched, never "the first sentence"

    def page_at(self, offset: int) -> int:
        page = self.pages[0]
        for at, pg in self.breaks:
            if at > offset:
                break
            page = pg
        return page


@dataclass(frozen=True)
class Section:
    id: str  # stable: "<doc_id>/ch5/s2"
    level: int  # depth in the tree: 0 = a part of the document (its title), 1 = 第一章 or 一、 …
    number: str | None  # "第五章", "（二）", None for a part
    heading: str  # the heading text without its number
    kind: SectionKind
    paragraphs: tuple[Paragraph, ...] = ()
    pages: tuple[int, int] = (0, 0)  # first, last PDF page, children included
    children: tuple["Section", ...] = ()

    def __post_init__(self):
        # Spelled out, not _tuples: a document has thousands of sections, and this runs for each.
        if type(self.paragraphs) is not tuple:
            object.__setattr__(self, "paragraphs", tuple(self.paragraphs))
        if type(self.children) is not tuple:
            object.__setattr__(self, "children", tuple(self.children))
        if type(self.kind) is not SectionKind:  # read back from JSON or a stored row: its value
            object.__setattr__(self, "kind", _SECTION_KINDS.get(self.kind) or SectionKind(self.kind))

    @property
    def title(self) -> str:
        """Number and heading as the document prints them: "第五章 重点领域", "（一）指导思想"."""
        if not self.number:
            return self.heading
        if self.kind == SectionKind.APPENDIX and self.heading:
            return f"{self.number}：{self.heading}"  # 附录：概念解释, as GB/T 9704 prints it
        return f"{self.number}{self.number_gap}{self.heading}".strip()

    @property
    def number_gap(self) -> str:
        """What the page sets after the number: a space after 第五章 / 第二十六条 and a part's label, none after 一、 or （一）."""
        return " " if self.number and (self.number.startswith("第") or self.kind == SectionKind.PART) else ""

    @property
    def text(self) -> str:
        """The section's own paragraphs (not its children), one per line."""
        return "\n".join(p.text for p in self.paragraphs)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def record(self) -> dict[str, Any]:
        """The fields every JSON record of a section starts with (outline, export, search)."""
        return {"section_id": self.id, "level": self.level, "kind": self.kind, "number": self.number,
                "heading": self.heading, "title": self.title, "pages": list(self.pages)}


@dataclass(frozen=True)
class Metadata:
    """What kb.metadata reads of a document: the fields ``Document`` keeps, and the dates of a
    law's history line (with the sentence they came from) that kb.validity goes on to use."""

    title: str
    title_source: str | None = None  # layout | pdf-title | file-name
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    doc_type: str | None = None
    adopted: str | None = None
    promulgated: str | None = None
    effective: str | None = None
    adopted_source: str | None = None
    promulgated_source: str | None = None


@dataclass(frozen=True)
class Validity:
    """时效性, from the document's own words (kb.validity); ``sources``: field → the sentence."""

    adopted: str | None = None  # ISO dates
    promulgated: str | None = None
    effective: str | None = None  # 施行日期
    expires: str | None = None  # 有效期至
    draft: bool = False  # 征求意见稿, 草案, 送审稿
    trial: bool = False  # 试行, 暂行
    repeals: tuple[str, ...] = ()  # titles of the documents it repeals (…同时废止)
    amends: tuple[str, ...] = ()  # titles of the documents it amends or is amended by (根据…修正)
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Validity":
        d = dict(d)
        d["repeals"] = tuple(d.get("repeals", ()))
        d["amends"] = tuple(d.get("amends", ()))
        return cls(**d)


@dataclass(frozen=True)
class Document:
    id: str
    path: str
    sha256: str
    title: str
    doc_number: str | None = None  # 发文字号, normalised: 苏府〔2011〕159号
    issuer: str | None = None
    date: str | None = None  # ISO 8601
    doc_type: str | None = None  # 规划, 通知, 办法 …
    page_count: int = 0
    page_labels: dict[int, str] = field(default_factory=dict)  # PDF page → printed number
    sections: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()
    furniture: tuple[Line, ...] = ()  # what clean took out of the flow
    ocr_pages: tuple[int, ...] = ()  # PDF pages read by OCR (no text layer)
    title_source: str | None = None  # layout | pdf-title | file-name (kb.metadata.title_of)
    validity: Validity = field(default_factory=Validity)

    def __post_init__(self):
        _tuples(self, "sections", "warnings", "furniture", "ocr_pages")

    def walk(self):
        for s in self.sections:
            yield from s.walk()

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.walk() if s.id == section_id), None)

    def walk_paths(self):
        """(section, titles from the top of the document down to it) in reading order."""

        def down(sections, trail):
            for s in sections:
                here = trail + (s.title,)
                yield s, here
                yield from down(s.children, here)

        yield from down(self.sections, ())

    def heading_path(self, section_id: str) -> list[str]:
        """Titles from the top of the document down to ``section_id`` (inclusive)."""
        return next((list(path) for s, path in self.walk_paths() if s.id == section_id), [])

    # -- JSON round trip (store.py writes these under index/) --------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Document":
        d = dict(d)
        d["page_labels"] = {int(k): v for k, v in d.get("page_labels", {}).items()}
        d["sections"] = tuple(_section_from_dict(s) for s in d.get("sections", []))
        d["furniture"] = tuple(_line_from_dict(x) for x in d.get("furniture", []))
        d["validity"] = Validity.from_dict(d.get("validity") or {})
        return cls(**d)


def _line_from_dict(d: dict[str, Any]) -> Line:
    d = dict(d)
    d["refs"] = tuple(FootnoteRef(**r) for r in d.get("refs", ()))
    d["cells"] = tuple(d.get("cells", ()))
    d["label"] = _LABELS[d.get("label", "body")]
    return Line(**d)


def paragraph_from_dict(d: dict[str, Any]) -> Paragraph:
    return Paragraph(
        text=d["text"],
        pages=tuple(d["pages"]),
        kind=_KINDS[d.get("kind", "text")],
        footnotes=tuple(Footnote(**f) for f in d.get("footnotes", ())),
        lead=d.get("lead"),
        cells=tuple(d.get("cells", ())),
        breaks=tuple(tuple(b) for b in d.get("breaks", ())),
        ocr=d.get("ocr", False),
        ocr_confidence=d.get("ocr_confidence"),
        matter=_MATTERS[d.get("matter", "body")],
    )


def _section_from_dict(d: dict[str, Any]) -> Section:
    return Section(
        id=d["id"],
        level=d["level"],
        number=d["number"],
        heading=d["heading"],
        kind=d["kind"],
        paragraphs=tuple(paragraph_from_dict(p) for p in d.get("paragraphs", [])),
        pages=tuple(d["pages"]),
        children=tuple(_section_from_dict(c) for c in d.get("children", [])),
    )


@dataclass(frozen=True)
class Alias:
    name: str
    kind: str  # 简称 | 又名 | English | abbreviation


@dataclass(frozen=True)
class Source:
    doc_id: str
    doc_title: str
    doc_number: str | None
    section_id: str
    heading_path: tuple[str, ...]
    pages: tuple[int, int]


@dataclass(frozen=True)
class Term:
    """A defined word: from an appendix glossary entry or a definition in running text."""

    term: str
    aliases: tuple[Alias, ...]
    definition: str
    source: Source
    origin: str  # glossary | inline | footnote
    uses: tuple["Use", ...] = ()  # every section whose own text names the term or a Chinese alias
    # Loaded terms leave ``uses`` empty (kb.glossary.with_uses reads them on demand): the counts
    # (sections, occurrences) and where the uses sit in term-uses.jsonl (offset, length).
    used_in: tuple[int, int] = (0, 0)
    uses_at: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Term":
        s = d["source"]
        uses = tuple(Use.from_dict(u) for u in d.get("uses", ()))
        used_in = tuple(d.get("used_in") or (len(uses), sum(u.count for u in uses)))
        return cls(
            term=d["term"],
            aliases=tuple(Alias(**a) for a in d["aliases"]),
            definition=d["definition"],
            source=Source(**{**s, "heading_path": tuple(s["heading_path"]), "pages": tuple(s["pages"])}),
            origin=d["origin"],
            uses=uses,
            used_in=used_in,
            uses_at=tuple(d["uses_at"]) if d.get("uses_at") else None,
        )


@dataclass(frozen=True)
class Use:
    """Where a term is used: one section's own text, and how many times it names the term."""

    doc_id: str
    section_id: str
    title: str  # the section's printed title, so a lookup need not open the document
    pages: tuple[int, int]
    count: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Use":
        return cls(**{**d, "pages": tuple(d["pages"])})
