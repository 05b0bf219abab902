"""A section with all its sub-sections (or a whole document) → Markdown, text, JSON or DOCX.

Each format carries the same citation: document title, 发文字号, heading path, PDF pages and the
section id, so a passage pasted into a report can be traced back. Headings keep their depth
relative to the exported section (the section itself is level 1). Footnotes sit where their
marker stood: Markdown ``[^n]`` with the definition at the end, ``[n]`` in text, and in DOCX
a superscript number with the notes listed at the end (python-docx has no footnote API).
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import KbError, OptionError, OutputExistsError
from .model import Paragraph, Section
from .ocr_marks import ocr_pages_in
from .present_format import Footnotes, doc_heading, ocr_caution, pdf_pages_cn
from .refs import Target, resolve_ref
from .text import page_span

FORMATS = ("md", "text", "json", "docx")
SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "text", ".json": "json", ".docx": "docx"}


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    doc_number: str | None
    section_id: str | None  # None: the whole document
    heading_path: tuple[str, ...]
    pages: tuple[int, int]
    printed_pages: tuple[str | None, str | None]
    ocr_pages: tuple[int, ...] = ()  # cited pages whose text was read by OCR: quote with care


def citation(target: Target) -> Citation:
    doc, sec = target.document, target.section
    pages = sec.pages if sec else (1, doc.page_count)
    return Citation(
        doc_id=doc.id,
        title=doc.title,
        doc_number=doc.doc_number,
        section_id=sec.id if sec else None,
        heading_path=tuple(doc.heading_path(sec.id)) if sec else (),
        pages=tuple(pages),
        printed_pages=(doc.page_labels.get(pages[0]), doc.page_labels.get(pages[1])),
        ocr_pages=tuple(ocr_pages_in(doc.ocr_pages, tuple(pages))),
    )


def citation_text(c: Citation) -> str:
    a, b = c.pages
    pages = pdf_pages_cn(c.pages)
    pa, pb = c.printed_pages
    if pa and pb and (pa, pb) != (str(a), str(b)):
        pages += f"（页码 {page_span(pa, pb, '–')}）"
    parts = [doc_heading(c.title, c.doc_number)]
    parts.append(" > ".join(c.heading_path) if c.heading_path else "全文")
    parts += [pages, c.section_id or c.doc_id]
    if c.ocr_pages:
        parts.append(ocr_caution(c.ocr_pages))
    return "来源：" + " · ".join(parts)


def roots(target: Target) -> list[Section]:
    return [target.section] if target.section else list(target.document.sections)


def _walk(sections: list[Section], base: int):
    """(heading depth from 1, section) in reading order."""
    for s in sections:
        yield s.level - base + 1, s
        yield from _walk(s.children, base)


def _depths(target: Target):
    rs = roots(target)
    return _walk(rs, min(s.level for s in rs)) if rs else iter(())


# -- Markdown --------------------------------------------------------------------------------
_MD_INLINE = re.compile(r"([\\`*_\[\]<])")  # ">" and "|" only matter at a line start / in tables
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+=~-]|\d+[.)])")


def md_inline(text: str) -> str:
    return _MD_INLINE.sub(r"\\\1", text)


def _md_block(text: str) -> str:
    """Escape a start that would make a paragraph a heading, quote or list item."""

    def esc(m):
        mark = m.group(2)
        return m.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)

    return _MD_BLOCK_START.sub(esc, text)


def _md_paragraph(par: Paragraph, notes: Footnotes) -> str:
    body = "".join(md_inline(text) + (f"[^{n}]" if n else "") for text, n in notes.pieces(par))
    lead = par.lead and md_inline(par.lead)
    if lead and body.startswith(lead) and not any(f.offset < len(par.lead) for f in par.footnotes):
        body = f"**{lead}**{body[len(lead):]}"
    return _md_block(body)


def _run_in(sec: Section) -> bool:
    """A numbered paragraph (四、本通知自…, 第一条　为了…): its number has no heading of its own,
    so the number runs into its first paragraph, as the page prints it, instead of standing alone."""
    return bool(sec.number and not sec.heading and sec.paragraphs and sec.paragraphs[0].kind == "text"
                and not sec.paragraphs[0].lead)


def to_markdown(target: Target) -> str:
    blocks, notes = [], Footnotes()
    for depth, sec in _depths(target):
        pars = [_md_paragraph(p, notes) for p in sec.paragraphs]
        if _run_in(sec):
            pars[0] = f"**{md_inline(sec.number.strip())}**{sec.number_gap}{pars[0]}"
        else:
            blocks.append("#" * min(depth, 6) + " " + md_inline(sec.title))
        blocks.extend(pars)
    blocks.extend(f"[^{n}]: {md_inline(t)}" for n, t in notes.numbered())
    blocks.append("> " + md_inline(citation_text(citation(target))))
    return "\n\n".join(blocks) + "\n"


# -- plain text ------------------------------------------------------------------------------
def to_text(target: Target) -> str:
    blocks, notes = [], Footnotes()
    for _depth, sec in _depths(target):
        pars = ["".join(t + (f"[{n}]" if n else "") for t, n in notes.pieces(par)) for par in sec.paragraphs]
        if _run_in(sec):
            pars[0] = sec.number.strip() + sec.number_gap + pars[0]
        else:
            blocks.append(sec.title)
        blocks.extend(pars)
    if notes.texts:
        blocks.append("注释\n" + "\n".join(f"[{n}] {t}" for n, t in notes.numbered()))
    blocks.append(citation_text(citation(target)))
    return "\n\n".join(blocks) + "\n"


# -- JSON ------------------------------------------------------------------------------------
def citation_record(c: Citation) -> dict:
    return {
        "doc_id": c.doc_id,
        "title": c.title,
        "doc_number": c.doc_number,
        "section_id": c.section_id,
        "heading_path": list(c.heading_path),
        "pages": list(c.pages),
        "printed_pages": list(c.printed_pages),
        "ocr_pages": list(c.ocr_pages),
        "text": citation_text(c),
    }


def _section_tree(sec: Section) -> dict:
    return {
        **sec.record(),
        "paragraphs": [
            {
                "text": p.text,
                "kind": p.kind,
                "pages": list(p.pages),
                "lead": p.lead,
                "footnotes": [{"marker": f.marker, "text": f.text, "page": f.page, "offset": f.offset} for f in p.footnotes],
                "ocr": p.ocr,
                "ocr_confidence": p.ocr_confidence,
            }
            for p in sec.paragraphs
        ],
        "children": [_section_tree(c) for c in sec.children],
    }


def to_json(target: Target, path: str | None = None) -> dict:
    from .citation import cite

    return {
        "citation": {**citation_record(citation(target)), "standard": cite(target.document, target.section).text,
                     "path": path},
        "kind": "section" if target.section else "document",
        "sections": [_section_tree(s) for s in roots(target)],
    }


# -- DOCX ------------------------------------------------------------------------------------
CITATION_STYLE = "KB Citation"
NOTE_STYLE = "KB Note"


def to_docx(target: Target) -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    out = docx.Document()
    normal = out.styles["Normal"]
    # Word falls back to a Latin font for CJK unless the East Asian font is named.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for name, italic in ((CITATION_STYLE, True), (NOTE_STYLE, False)):
        style = out.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.italic = italic
    cite = citation(target)
    out.core_properties.title = target.section.title if target.section else target.document.title
    out.core_properties.subject = citation_text(cite)

    notes = Footnotes()
    for depth, sec in _depths(target):
        out.add_heading(sec.title, level=min(depth, 9))
        for par in sec.paragraphs:
            para = out.add_paragraph()
            pieces = notes.pieces(par)
            bold_lead = par.lead and par.text.startswith(par.lead) and not any(f.offset < len(par.lead) for f in par.footnotes)
            for i, (text, n) in enumerate(pieces):
                if i == 0 and bold_lead:
                    para.add_run(par.lead).bold = True
                    text = text[len(par.lead):]
                para.add_run(text)
                if n:
                    para.add_run(str(n)).font.superscript = True
    for n, text in notes.numbered():
        out.add_paragraph(f"[{n}] {text}", style=NOTE_STYLE)
    out.add_paragraph(citation_text(cite), style=CITATION_STYLE)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


# -- the command's one call, and writing ----------------------------------------------------
def format_for(fmt: str | None, output: str | None) -> str:
    """The format asked for, else the one ``output``'s suffix names, else Markdown.

    A suffix that names no format (``-o x.pdf``) is refused rather than guessed: Markdown
    written to ``x.pdf`` is a file no PDF viewer opens.
    """
    if fmt:
        return fmt
    if output:
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIXES:
            known = " ".join(SUFFIXES)
            what = "a suffix " + repr(suffix) if suffix else "no suffix"
            raise OptionError("fmt", "{output}: {what} names no export format ({known}); give {option}",
                              output=output, what=what, known=known)
        return SUFFIXES[suffix]
    return "md"


def render(target: Target, fmt: str, path: str | None = None) -> str | bytes:
    if fmt == "md":
        return to_markdown(target)
    if fmt == "text":
        return to_text(target)
    if fmt == "json":
        import json

        return json.dumps(to_json(target, path), ensure_ascii=False, indent=2) + "\n"
    if fmt == "docx":
        return to_docx(target)
    raise KbError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


@dataclass(frozen=True)
class Exported:
    target: Target
    format: str
    content: str | bytes

    @property
    def sections(self) -> int:
        return sum(1 for _ in _depths(self.target))

    @property
    def paragraphs(self) -> int:
        return sum(len(s.paragraphs) for _, s in _depths(self.target))


def export(index_dir, ref: str, *, doc: str | None = None, fmt: str = "md", cite: bool = False,
           sentence: int | None = None) -> Exported:
    """REF as ``fmt``; ``cite``: its citation only; ``sentence``: its Nth sentence with the citation."""
    from .store import Store

    snap = Store(index_dir).snapshot()
    target = resolve_ref(snap, ref, doc)
    path = snap.manifest[target.document.id]["path"]
    if cite or sentence:
        from .quote import cite_target, sentence_of

        q = sentence_of(target, sentence, path) if sentence else cite_target(target, path)
        if fmt == "json":
            import json

            return Exported(target, fmt, json.dumps(q.record(), ensure_ascii=False, indent=2) + "\n")
        return Exported(target, fmt, q.text() + "\n")
    return Exported(target, fmt, render(target, fmt, path))


def write_output(path: str | Path, content: str | bytes, force: bool = False) -> Path:
    """Write ``content`` to ``path`` atomically; refuse an existing file unless ``force``.

    The data goes to a temp file in the same directory first, so a reader (or a crash) never
    sees half a file. Without ``force`` the temp file is hard-linked into place, which fails if
    the name exists, so a file that appears meanwhile is not overwritten either.
    """
    # Write through a symlink to its target, never replace the link itself (-o ~/notes.md → …).
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not path.parent.is_dir():
        raise KbError(f"{path}: cannot write, the directory {path.parent} does not exist")
    if path.is_dir():
        raise KbError(f"{path}: cannot write, it is a directory")
    if path.exists() and not path.is_file():  # a FIFO or device node is never replaced by a regular file
        raise KbError(f"{path}: cannot write, it is not a regular file (a device, FIFO or socket)")
    if not force and path.exists():
        raise OutputExistsError(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise OutputExistsError(path) from None
            except OSError:  # a file system without hard links
                if path.exists():
                    raise OutputExistsError(path) from None
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
