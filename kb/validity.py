"""Validity (时效性) from a document's own words: when it takes effect, until when, whether it is
a draft or a trial, and which documents it repeals or amends — each with the sentence it came from.

Only the document's clauses about itself are read: "本办法自2014年4月1日起试行，有效期至2019年
3月31日", "本条例自2008年5月1日起施行", "自发布之日起施行", "有效期3年", "《X》同时废止",
"根据…《关于修改〈X〉的决定》修正". A clause about another document ("按照《X》自…起施行的规定")
names that document before its 自, so the clause must open with 本 + the genre, or be the
document's last article.

``status(validity, date, as_of)`` is what `kb docs` prints; ``in_force_ids`` filters by it from the
manifest alone, so `kb search --in-force` reads no document.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date as _date, timedelta

from .model import Document, Metadata, Section, SectionKind, Validity
from .text import DATE, LazyPattern, cn_date_to_iso, cn_to_int, fold_width

STATUSES = ("in force", "not yet in force", "expired", "draft")

_SELF = r"本(?:实施)?(?:办法|通知|细则|规定|条例|意见|方案|决定|规则|法|标准|暂行办法|实施细则|实施办法|意见稿|公告|通告|指引|规划)?"
# "本办法自2014年4月1日起试行" / "本通知自发布之日起施行" / "自2016年1月1日起执行"
EFFECTIVE = LazyPattern(rf"(?:{_SELF})?自\s*({DATE}|(?:公布|发布|印发|颁布|下发)之日)\s*起\s*(施行|执行|实施|试行|生效)")
EXPIRES_AT = LazyPattern(rf"有效期\s*(?:至|到|截至)\s*({DATE})")
EXPIRES_FOR = LazyPattern(r"有效期\s*(?:为|是)?\s*([0-9一二三四五六七八九十两]+)\s*年")
DRAFT = LazyPattern(r"征求意见稿|草案|送审稿|讨论稿|修改稿|征求意见")
TRIAL = LazyPattern(r"试行|暂行")
# "《X》（…）同时废止", "原…《X》…废止": the titles named before 废止 in the same sentence.
REPEAL = LazyPattern(r"[^。；]*?(?:同时|予以|即行|一并)?废止")


def _repeal_clauses(text: str):
    """The spans ``REPEAL.finditer`` matches, found in linear time.

    The pattern's lazy prefix makes ``finditer`` rescan a whole clause from every start position
    that cannot reach a 废止; on long table text without 。 or ； that was quadratic (18–270 s
    for each of three real table reports). A match runs from the clause start (after the last
    。/； or the previous match) to the first 废止, which is what is computed here.
    """
    pos = 0
    while (k := text.find("废止", pos)) >= 0:
        sep = max(text.rfind("。", pos, k), text.rfind("；", pos, k))
        yield (sep + 1 if sep >= 0 else pos), k + 2
        pos = k + 2
AMEND = LazyPattern(r"根据[^。]*?(?:修正|修改|修订)")
TITLE = LazyPattern(r"《([^《》]{2,60})》")


def _sentence(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "。\n；") + 1
    ends = [i for i in (text.find(c, end) for c in "。\n") if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    return text[a:b].strip()


def _add_years(iso: str, years: int) -> str:
    """The last day of a term of ``years`` years starting on ``iso`` (2010-09-01 + 3 → 2013-08-31)."""
    y, m, d = (int(x) for x in iso.split("-"))
    try:
        end = _date(y + years, m, d)
    except ValueError:  # 29 February
        end = _date(y + years, m, 28) + timedelta(days=1)
    return (end - timedelta(days=1)).isoformat()


def _texts(doc_sections: list[Section]) -> list[str]:
    """Each section's heading and paragraphs: a heading may carry the clause ("十五、本通告自2010年
    9月1日起实施，有效期3年" is a heading with its sentence, sz_shaoer)."""
    return ["\n".join(([s.heading] if s.kind != SectionKind.PART and s.heading else []) + [p.text for p in s.paragraphs])
            for part in doc_sections for s in part.walk()]


def extract(sections: list[Section], meta: Metadata) -> Validity:
    """The validity fields of a document from its sections and the metadata already read
    (``meta``: title, date and the history line's adopted/promulgated dates, if any)."""
    title = meta.title or ""
    heads = " ".join(s.heading for s in sections if s.kind == SectionKind.PART)
    found: dict[str, str] = {}
    sources: dict[str, str] = {}
    repeals: list[str] = []
    amends: list[str] = []
    for text in _texts(sections):
        if not text:
            continue
        if "effective" not in found:
            for m in EFFECTIVE.finditer(text):
                sentence = _sentence(text, m.start(), m.end())
                # The document's own clause opens its sentence (本办法自… / 自…起施行); a clause
                # about another document names it first (《X》自…起施行).
                if not re.match(r"^(?:第[^条]{1,8}条\s*)?(?:本|自|此|以上|上述)", sentence):
                    continue
                when = m.group(1)
                iso = cn_date_to_iso(when) if "之日" not in when else (meta.promulgated or meta.date)
                if iso:
                    found["effective"] = iso
                    sources["effective"] = sentence
                    if m.group(2) == "试行":
                        found["trial_clause"] = "1"
                    break
        if "expires" not in found:
            m = EXPIRES_AT.search(text)
            if m and cn_date_to_iso(m.group(1)):
                found["expires"] = cn_date_to_iso(m.group(1))
                sources["expires"] = _sentence(text, m.start(), m.end())
            else:
                m = EXPIRES_FOR.search(text)
                if m and "effective" in found and cn_to_int(m.group(1)):
                    found["expires"] = _add_years(found["effective"], cn_to_int(m.group(1)))
                    sources["expires"] = _sentence(text, m.start(), m.end())
        for start, end in _repeal_clauses(text):
            clause = text[start:end]
            sentence = _sentence(text, start, end)
            if "废止" not in sentence or re.search(r"申请|撤销|撤回|吊销|注销", clause):
                continue
            names = [n for n in TITLE.findall(clause) if n not in repeals]
            if names:
                repeals += names
                sources.setdefault("repeals", sentence)
        for m in AMEND.finditer(text):
            names = [n for n in TITLE.findall(m.group(0)) if n not in amends]
            if names and ("决定" in m.group(0) or "修正" in m.group(0)):
                amends += names
                sources.setdefault("amends", _sentence(text, m.start(), m.end()))
    adopted, promulgated = meta.adopted, meta.promulgated
    if promulgated is None and re.search(r"令第[^号]{1,8}号$", meta.doc_number or "") and meta.date:
        # An order is promulgated on the day it is signed (GB/T 9704 §8.1: the 令's date).
        promulgated = meta.date
        meta = replace(meta, promulgated_source=meta.doc_number)
    if "effective" not in found and meta.effective:  # "…公告公布施行" (xianfa)
        found["effective"] = meta.effective
        sources["effective"] = meta.adopted_source or ""
    for key, value in (("adopted", adopted), ("promulgated", promulgated)):
        if value and getattr(meta, f"{key}_source"):
            sources[key] = getattr(meta, f"{key}_source")
    draft_m = DRAFT.search(title) or DRAFT.search(heads)
    if draft_m:
        sources["draft"] = title if DRAFT.search(title) else heads
    trial = bool(TRIAL.search(title) or TRIAL.search(heads) or found.get("trial_clause"))
    if trial:
        sources["trial"] = title if TRIAL.search(title) else (heads if TRIAL.search(heads) else sources.get("effective", ""))
    return Validity(
        adopted=adopted,
        promulgated=promulgated,
        effective=found.get("effective"),
        expires=found.get("expires"),
        draft=bool(draft_m),
        trial=trial,
        repeals=tuple(repeals),
        amends=tuple(amends),
        sources=sources,
    )


def status(v: Validity, issued: str | None, as_of: str) -> str:
    """One of STATUSES on ``as_of`` (ISO date). A document that states no start is in force from
    its own date; one that states no end stays in force."""
    if v.draft:
        return "draft"
    start = v.effective or issued
    if start and start > as_of:
        return "not yet in force"
    if v.expires and v.expires < as_of:
        return "expired"
    return "in force"


def summary(doc: Document) -> dict:
    """What the manifest keeps of a document's validity, enough for ``status`` without the JSON."""
    v = doc.validity
    return {"effective": v.effective, "expires": v.expires, "draft": v.draft, "date": doc.date}


def _summary_status(s: dict, as_of: str) -> str:
    return status(Validity(effective=s.get("effective"), expires=s.get("expires"), draft=bool(s.get("draft"))),
                  s.get("date"), as_of)


def in_force_ids(snapshot, as_of: str) -> list[str]:
    """Ids of the snapshot's documents in force on ``as_of``, from the manifest (documents from an
    index written before the manifest kept validity are read once)."""
    out = []
    for doc_id, entry in snapshot.manifest.items():
        s = entry.get("validity")
        if s is None:
            s = summary(snapshot.document(doc_id))
        if _summary_status(s, as_of) == "in force":
            out.append(doc_id)
    return out


def today() -> str:
    return _date.today().isoformat()


def parse_date(text: str) -> str:
    """2016-05-01, 2016/5/1, 20160501 or 2016年5月1日 → ISO; ValueError otherwise."""
    t = fold_width(text.strip())
    m = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", t)
    if not m:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD")
    y, mo, d = (int(x) for x in m.groups())
    try:
        return _date(y, mo, d).isoformat()
    except ValueError as e:  # 2015-02-30: the date's own words, with the value that was typed
        raise ValueError(f"{text!r} is not a date: {e}") from None


def list_documents(index_dir, in_force: str | None = None) -> list[Document]:
    """The index's documents; with ``in_force`` (an ISO date) only those in force on it."""
    from .store import Store

    snap = Store(index_dir).snapshot()
    if in_force is None:
        return snap.documents()
    return [snap.document(d) for d in in_force_ids(snap, in_force)]
