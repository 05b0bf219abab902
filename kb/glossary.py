"""Defined words: appendix glossaries and definitions in running text → ``Term`` records.

Policy documents define their words in two ways. An appendix (附录：概念解释, 名词解释, 术语和
定义 …) lists entries whose heading is the term and whose text, up to the next entry, is its
definition. Running text defines words in place: "本办法所称X，是指…", "X（英文）系指…", a
"下列用语的含义：" list, "（以下简称X）". ``extract_terms`` finds both; ``build_terms`` writes
them, with the sections that use each term, to ``terms.json`` in a generation so a lookup
reads one small JSON file and nothing else.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .model import Alias, Document, Footnote, Paragraph, Section, Source, Term, Use
from .text import HAN as CJK, name_key as _key

TERMS_FILE = "terms.json"

GLOSSARY_HEADING = re.compile(r"概念解释|名词解释|术语|释义|用语含义|定义|名词")
SENTENCE_END = "。！？"

# "X（service outsourcing）系指…", "稳定就业是指…", "诊疗活动：是指…", "［注：“…”是指…": a
# definition opens a clause (paragraph start, after 。 or ；) with the word it defines.
CLAUSE_DEF = re.compile(
    r"(?:^|(?<=[。；;\n])|(?<=其中，))(?:［注：|\[注：)?[“\"]?((?:[^，,。；;：:\n“”\"（）()]|（[\u4e00-\u9fff]{1,3}）|“[^“”]{1,6}”){2,24}?)[”\"]?"
    r"(?:（([A-Za-z][^（）]{1,60})）)?(?:[，,：:；;]?(?:是指|系指)|[：:]?\s*(?<![所按要般常])指(?![出导定挥示明标数南引令]))"
)
# Words a definition opens with that are not the term: "本方案中的新莞人子女是指", "前款规定的…".
SCOPE_PREFIX = re.compile(r"^(?:本[\u4e00-\u9fff]{0,6}?(?:中的|所称的?|所指的?|所说的?)|前款(?:规定|所称|所说)的|上述|其中[，,]?)")
# A law defines by predication (民法典, 宪法): "合同是民事主体之间…的协议", "国家所有即全民所有",
# "物包括不动产和动产", "十八周岁以上的自然人为成年人". Read only in articles (条), where such a
# sentence is a rule about the word; in a notice "X是…" is as often a claim as a definition.
IS_DEF = re.compile(r"^([^，,。；;：:\s“”（）()、的]{2,16}?)(?:是|[，,]?即(?![具与可应为将是]))(?![指否由在为因以从对不])([^，,。；;]*)")
INCLUDES_DEF = re.compile(r"^([^，,。；;：:\s“”（）()、的]{1,14}?)包括(?![：:]|下列|以下|但|以及)")
NAMED_AS = re.compile(r"(?<=[的人产地物])[，,]?为其?(?![了止何此准主])([^\s，,。；;、“”《》（）()0-9一二三四五六七八九十百千的或和及]{2,12})(?=[。，；])")
CLASSIFIED = re.compile(r"(?<=的)为(?![了止何此准主宜好佳限])([^\s，,。；;、“”《》（）()0-9一二三四五六七八九十百千的或和及]{2,12})(?=[。；])")
# A subject with a modal or a time word is a rule about it, not its definition ("保证合同可以是…",
# "胎儿娩出时是死体的").
_NOT_A_NAME_END = re.compile(r"(?:应当|可以|一般|都|确实|但|时|生前|之日起|也|均|必须|不得)$")
_NOT_A_TERM = re.compile(r"^(?:这|其|该|此|它|本|上述|前款|下列|以下|凡|各|每|有|没有|但|如|若|对|在|由|为|因|是|也|都|应|不|可|已|将|我|你|他|她)|(?:目的|关键|重点|原因|任务|方针|根本|基础)$")
SUOCHENG = re.compile(r"所[称指]([^，,。；;：:\s]{2,20}?)(?:[，,]?(?:是|系)?指|[，,](?:包括|是))")
# "（以下简称示范城市）", "（商服贸〔2018〕3号，以下简称《评价办法》）", "（简称X）"
JIANCHENG = re.compile(r"（(?:[^（）]*?[，,；;])?(?:以下简称|以下称|下称|简称)[“\"]?([^（）“”\"，,。]{1,20}?)[”\"]?）")
YOUMING = re.compile(r"又名([^，,。；;]+)")
ENGLISH_IS = re.compile(
    r"英文(?:名称|名)?(?:为|是)?[:：]?\s*([A-Za-z][A-Za-z .\-&]*[A-Za-z])\s*"
    r"(?:[，,]\s*(?:简写|简称|缩写)(?:为)?\s*([A-Za-z]{2,10}))?"
)
# A Chinese name with its English name and/or abbreviation in parentheses:
# 共享服务中心（share service center,SSC）, 服务水平协议（SLA）, 服务外包（service outsourcing）
PAREN_LATIN = re.compile(rf"([{CJK}]{{2,14}})（([A-Za-z][A-Za-z .\-&]*?)(?:\s*[,，]\s*([A-Za-z]{{2,10}}))?）")
FOOTNOTE_DEF = re.compile(r"^([^，,。；;：:]{2,20}?)(?:是为|是指|系指)")
TERM_LIST = re.compile(r"下列用语的含义|下列用语含义|下列术语")
# Words that end the phrase before a name: "机构下属的共享服务中心", "按某种服务水平协议"
LEAD_WORDS = re.compile(r"或者是|或者|通过|某种|下属的|的|或|和|与|及|按|将|把|对|向|由|在|给")
LEAD_CHARS = set("的或和与及按将把对向由在给，,、。；;：:（）()“”\n")
COUNT_PREFIX = re.compile(r"^[0-9０-９一二三四五六七八九十百千]+[个项家名类条所座]")


def is_abbreviation(latin: str) -> bool:
    """ITO, SaaS, RFID — one word with at least two capitals — as against an English name."""
    return " " not in latin and sum(c.isupper() for c in latin) >= 2 and len(latin) <= 10


def _has_cjk(text: str, n: int = 2) -> bool:
    return len(re.findall(f"[{CJK}]", text)) >= n


@dataclass
class _Joined:
    """A section's paragraphs as one string, so a definition broken across lines is one sentence."""

    text: str
    spans: list[tuple[int, int, Paragraph]]

    @classmethod
    def of(cls, paragraphs: list[Paragraph]) -> "_Joined":
        text, spans = "", []
        for p in paragraphs:
            # pdfplumber lines become paragraphs when the layout is odd; a paragraph that does
            # not end a sentence is the first half of one ("…是指限定建设标准和租金" + "水平，…").
            if text and text[-1] in SENTENCE_END + "；;：:）)”":
                text += "\n"
            spans.append((len(text), len(text) + len(p.text), p))
            text += p.text
        return cls(text, spans)

    def pages(self, start: int, end: int) -> tuple[int, int]:
        hit = [p for a, b, p in self.spans if a < max(end, start + 1) and b > start] or [self.spans[0][2]]
        return (hit[0].pages[0], hit[-1].pages[1])

    def sentence(self, pos: int, stop: str = SENTENCE_END, after: int | None = None) -> tuple[int, int]:
        """The sentence around ``pos``; it ends at the first stop at or after ``after``."""
        start = max(self.text.rfind(c, 0, pos) for c in stop + "\n") + 1
        ends = [i for i in (self.text.find(c, pos if after is None else after) for c in stop + "\n") if i >= 0]
        end = min(ends) + 1 if ends else len(self.text)
        if end and self.text[end - 1] == "\n":
            end -= 1
        return start, end


@dataclass
class _Draft:
    term: str
    definition: str
    section: Section
    pages: tuple[int, int]
    origin: str
    aliases: list[Alias] = field(default_factory=list)
    strength: int = 2  # 1: a predication (X是…, X包括…), which a stated definition replaces

    def alias(self, name: str, kind: str) -> None:
        name = name.strip()
        if name and name != self.term and all(a.name != name for a in self.aliases):
            self.aliases.append(Alias(name, kind))


class _Collector:
    """Drafts for one document, one per defined word: the first definition wins, aliases merge."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.drafts: dict[str, _Draft] = {}

    def add(self, draft: _Draft) -> _Draft:
        key = _key(draft.term)
        have = self.drafts.get(key)
        if have is None or have.strength < draft.strength:
            if have is not None:
                for a in have.aliases:
                    draft.alias(a.name, a.kind)
            self.drafts[key] = draft
            return draft
        for a in draft.aliases:
            have.alias(a.name, a.kind)
        return have

    def terms(self) -> list[Term]:
        out = []
        for d in self.drafts.values():
            source = Source(
                doc_id=self.doc.id,
                doc_title=self.doc.title,
                doc_number=self.doc.doc_number,
                section_id=d.section.id,
                heading_path=tuple(self.doc.heading_path(d.section.id)),
                pages=tuple(d.pages),
            )
            out.append(Term(d.term, tuple(d.aliases), d.definition.strip(), source, d.origin))
        return out


def extract_terms(doc: Document) -> list[Term]:
    """Every term ``doc`` defines, glossary entries first, in document order."""
    col = _Collector(doc)
    for sec in doc.walk():
        if sec.kind == "appendix" and GLOSSARY_HEADING.search(sec.heading or ""):
            _glossary(col, sec)
    for sec in doc.walk():
        _running_text(col, sec)
    return col.terms()


def _entry_text(sec: Section) -> str:
    return "\n".join(p.text for s in sec.walk() for p in s.paragraphs)


def _glossary(col: _Collector, appendix: Section) -> None:
    for entry in appendix.children:
        name = (entry.heading or "").strip().rstrip("。.")
        text = _entry_text(entry)
        if not name and entry.paragraphs and entry.paragraphs[0].lead:
            name = entry.paragraphs[0].lead
        if not name or not text:
            continue
        draft = col.add(_Draft(name, text, entry, entry.pages, "glossary"))
        _names_in_entry(draft, text)


def _names_in_entry(draft: _Draft, text: str) -> None:
    """又名…, 英文为…，简写…, and the entry word's own English name in parentheses."""
    for m in YOUMING.finditer(text):
        for item in re.split(r"[、,，]", m.group(1)):
            named = re.fullmatch(rf"([{CJK}A-Za-z]+)(?:（([^（）]+)）)?", item.strip())
            if not named:
                continue
            draft.alias(named.group(1), "又名")
            if named.group(2):
                _latin_alias(draft, named.group(2))
    for m in ENGLISH_IS.finditer(text):
        draft.alias(m.group(1), "English")
        if m.group(2):
            draft.alias(m.group(2), "abbreviation")
    for m in PAREN_LATIN.finditer(text):
        if m.group(1).endswith(draft.term):
            _latin_alias(draft, m.group(2))
            if m.group(3):
                draft.alias(m.group(3), "abbreviation")


def _latin_alias(draft: _Draft, latin: str) -> None:
    latin = latin.strip()
    draft.alias(latin, "abbreviation" if is_abbreviation(latin) else "English")


HEADING_DEF = re.compile(r"[：:，,](?:是|系)?指|是指|系指")


def _running_text(col: _Collector, sec: Section) -> None:
    if not sec.paragraphs and not HEADING_DEF.search(sec.heading or ""):
        return
    if not sec.paragraphs:
        _definitions(col, sec, _Joined.of([Paragraph(sec.heading, sec.pages)]), "inline")
        return
    joined = _Joined.of(sec.paragraphs)
    origin = "glossary" if _in_glossary(col.doc, sec) else "inline"
    _term_list(col, sec)  # first: its definitions run over several paragraphs
    _definitions(col, sec, joined, origin)
    if sec.kind not in ("part", "appendix") and HEADING_DEF.search(sec.heading or ""):
        # "1.财政拨款收入：指市级财政当年拨付的资金。": structure made the sentence the heading.
        _definitions(col, sec, _Joined.of([Paragraph(sec.heading, sec.pages)]), origin)
    if sec.kind == "article":
        _predications(col, sec, joined)
    else:  # "带红色“*”的为必填项": a class named after 的 is a definition in any text
        for m in CLASSIFIED.finditer(joined.text):
            start, end = joined.sentence(m.start())
            if end - start <= 120 and not _NOT_A_TERM.search(m.group(1)):
                col.add(_Draft(m.group(1), joined.text[start:end], sec, joined.pages(start, end), origin))
    _named_in_parentheses(col, sec, joined, origin)
    _short_names(col, sec, joined)
    for p in sec.paragraphs:
        for fn in p.footnotes:
            _footnote(col, sec, fn)


def _in_glossary(doc: Document, sec: Section) -> bool:
    path = doc.heading_path(sec.id)
    return bool(path) and any(GLOSSARY_HEADING.search(t) and t.startswith("附") for t in path)


def _definitions(col: _Collector, sec: Section, joined: _Joined, origin: str) -> None:
    """"本办法所称X，是指…" and clause-initial "X（English）是指/系指…", up to the end of the clause."""
    text = joined.text
    found: list[tuple[int, int, str, str | None]] = []
    for m in SUOCHENG.finditer(text):
        found.append((m.start(), m.end(), m.group(1), None))
    for m in CLAUSE_DEF.finditer(text):
        name = m.group(1).strip()
        if "所称" in name or "所指" in name or name.startswith(("又名", "即")) or not _has_cjk(name):
            continue
        found.append((m.start(1), m.end(), name, m.group(2)))
    for pos, after, name, latin in found:
        name = SCOPE_PREFIX.sub("", name).lstrip("的").strip("“”\"")
        if len(name) < 2 or "、" in name or (_key(name) == _key(sec.heading or "") and _key(name) in col.drafts):
            continue  # the glossary entry's own opening words: _glossary has it
        start, end = joined.sentence(pos, SENTENCE_END + "；;", after)
        draft = col.add(_Draft(name, text[start:end], sec, joined.pages(start, end), origin))
        if latin:
            parts = re.split(r"\s*[,，]\s*", latin)
            _latin_alias(draft, parts[0])
            if len(parts) > 1 and is_abbreviation(parts[1]):
                draft.alias(parts[1], "abbreviation")


def _predications(col: _Collector, sec: Section, joined: _Joined) -> None:
    """"X是…", "X即…", "X包括…" opening a sentence, and "…的Y为X。" closing one (IS_DEF)."""
    text = joined.text
    starts = [0] + [i + 1 for i, c in enumerate(text) if c in "。；;\n"]
    for a in starts:
        rest = text[a:]
        for pattern in (IS_DEF, INCLUDES_DEF):
            m = pattern.match(rest)
            if not m or _NOT_A_TERM.search(m.group(1)) or _NOT_A_NAME_END.search(m.group(1)):
                continue
            if pattern is IS_DEF and m.group(2).endswith("的") and rest[m.end():m.end() + 1] in "，,":
                continue  # "受送人是公民的，…": a condition
            if _has_cjk(m.group(1), 1):
                start, end = joined.sentence(a + m.end(1))
                draft = col.add(_Draft(m.group(1), text[start:end], sec, joined.pages(start, end), "inline", strength=1))
                _country_alias(draft)
                break
    for m in NAMED_AS.finditer(text):
        name = m.group(1)
        if _NOT_A_TERM.search(name) or (len(name) <= 2 and text[m.end():m.end() + 1] in "，," and text[m.start() - 1] != "的"):
            continue  # "被侵权人为组织，该组织…": a condition on a short common noun
        start, end = joined.sentence(m.start())
        if end - start > 120:
            continue
        col.add(_Draft(name, text[start:end], sec, joined.pages(start, end), "inline"))


def _country_alias(draft: _Draft) -> None:
    """中华人民共和国国旗 is cited as 国旗: the short name is an alias."""
    if draft.term.startswith("中华人民共和国") and len(draft.term) >= 9:
        draft.alias(draft.term[len("中华人民共和国"):], "简称")


def _term_list(col: _Collector, sec: Section) -> None:
    """"下列用语的含义：" followed by "X：是指…" paragraphs; a definition runs to the next X."""
    paras = sec.paragraphs
    at = next((i for i, p in enumerate(paras) if TERM_LIST.search(p.text)), None)
    if at is None:
        return
    head = re.compile(r"^([^，,。；;：:]{2,20}?)[：:；;，,]?(?:是指|系指|指)")
    current: _Draft | None = None
    for p in paras[at + 1:]:
        m = head.match(p.text)
        if m:
            current = col.add(_Draft(m.group(1), p.text, sec, p.pages, "inline"))
        elif current is not None:
            current.definition += "\n" + p.text
            current.pages = (current.pages[0], p.pages[1])


def _named_in_parentheses(col: _Collector, sec: Section, joined: _Joined, origin: str) -> None:
    """共享服务中心（share service center,SSC）: a name that comes with its abbreviation is a term."""
    text = joined.text
    for m in PAREN_LATIN.finditer(text):
        latin, abbr = m.group(2).strip(), m.group(3)
        if not abbr and not is_abbreviation(latin):
            continue  # an English gloss of an ordinary word ("服务商（service provider）")
        name = LEAD_WORDS.split(m.group(1))[-1]
        if len(name) < 2 or _key(name) == _key(sec.heading or ""):
            continue
        start, end = joined.sentence(m.start())
        draft = col.add(_Draft(name, text[start:end], sec, joined.pages(m.start(), m.end()), origin))
        if abbr:
            draft.alias(latin, "English")
            draft.alias(abbr, "abbreviation")
        else:
            draft.alias(latin, "abbreviation")


def _short_names(col: _Collector, sec: Section, joined: _Joined) -> None:
    """"31个服务外包示范城市（以下简称示范城市）" → 服务外包示范城市, 简称 示范城市."""
    text = joined.text
    for m in JIANCHENG.finditer(text):
        short = m.group(1).strip()
        full = _full_name(text[: m.start()], short)
        if not full or _key(full) == _key(short) or not _has_cjk(full + short, 2):
            continue
        start, end = joined.sentence(m.start())
        draft = col.add(_Draft(full, text[start:end], sec, joined.pages(m.start(), m.end()), "inline"))
        draft.alias(short, "简称")


def _full_name(before: str, short: str) -> str | None:
    """The name a 简称 stands for: the book title or noun phrase just before the parenthesis."""
    if before.endswith("》"):
        return before[before.rfind("《"):]
    # "…技校与职校（不含大专段）（以下简称…）": a qualifier in brackets between the name and its 简称
    before = re.sub(r"[（(][^（）()]{1,12}[）)]$", "", before)
    clause = re.split(r"[，,。；;：:、\n（）()]", before)[-1]
    cut = COUNT_PREFIX.sub("", LEAD_WORDS.split(clause)[-1])
    letters = [c for c in short if c not in "《》“”、 "]
    if _subsequence(letters, cut):
        return cut
    tail = before[-30:]
    for i in range(len(tail) - 1, -1, -1):  # the shortest tail that holds the short name's characters
        if tail[i] == letters[0] and _subsequence(letters, tail[i:]):
            # 港 → 香港和澳门…: take up to three more characters when a word boundary is that close
            for j in range(i - 1, max(i - 4, -1), -1):
                if tail[j] in LEAD_CHARS:
                    return tail[j + 1:]
            return tail[i:]
    return cut or None


def _subsequence(letters: list[str], text: str) -> bool:
    it = iter(text)
    return all(c in it for c in letters)


def _footnote(col: _Collector, sec: Section, fn: Footnote) -> None:
    m = FOOTNOTE_DEF.match(fn.text)
    if m and _has_cjk(m.group(1)):
        col.add(_Draft(m.group(1), fn.text, sec, (fn.page, fn.page), "footnote"))


# -- uses, terms.json, vocabulary ----------------------------------------------------------

def _names_for_uses(term: Term) -> tuple[list[str], list[str]]:
    """(names counted in every document, names counted only in the defining one).

    A 简称 is declared "以下简称" for one document; elsewhere 条例 or 申请表 means something else.
    """
    everywhere = [term.term] + [a.name for a in term.aliases if a.kind in ("又名",) and _has_cjk(a.name, 1)]
    everywhere += [a.name for a in term.aliases if a.kind == "abbreviation"]
    local = [a.name for a in term.aliases if a.kind == "简称"]
    return everywhere, local


USES_FILE = "term-uses.jsonl"


def term_uses(term: Term, docs: list[Document]) -> tuple[Use, ...]:
    """The uses of one term (all_uses does every term in one pass; this is the same rule)."""
    return all_uses([term], docs)[0]


class _Trie:
    """Every name of every term in one character trie, so a section is read once for all terms
    (one regex per term over every section grew with terms × sections: issue 13)."""

    def __init__(self):
        self.root: dict = {}

    def add(self, name: str, owner: tuple[int, bool]) -> None:
        node = self.root
        for ch in name:
            node = node.setdefault(ch, {})
        node.setdefault(None, []).append(owner)

    def scan(self, text: str):
        """(start, end, owners) of every name starting at each position, longest first."""
        root = self.root
        for i in range(len(text)):
            node = root.get(text[i])
            if node is None:
                continue
            found = []
            j = i
            while node is not None:
                j += 1
                if None in node:
                    found.append((j, node[None]))
                node = node.get(text[j]) if j < len(text) else None
            for end, owners in reversed(found):
                yield i, end, owners


def all_uses(terms: list[Term], docs: list[Document]) -> list[tuple[Use, ...]]:
    """For each term, every section that names it, with counts: one scan per section.

    Per term the count is what a regex of its names (longest first) would find: matches do not
    overlap. A 简称 counts only in the defining document; a Latin name only as a whole word.
    """
    trie = _Trie()
    for i, t in enumerate(terms):
        everywhere, local = _names_for_uses(t)
        for n in set(everywhere):
            if n:
                trie.add(n, (i, False))
        for n in set(local) - set(everywhere):
            if n:
                trie.add(n, (i, True))
    uses: list[list[Use]] = [[] for _ in terms]
    for doc in docs:
        for sec in doc.walk():
            text = sec.text
            counts: dict[int, int] = {}
            last_end: dict[int, int] = {}
            for start, end, owners in trie.scan(text):
                if text[start].isascii() and (
                        (start and text[start - 1].isascii() and text[start - 1].isalpha())
                        or (end < len(text) and text[end].isascii() and text[end].isalpha())):
                    continue
                for i, local_only in owners:
                    if local_only and terms[i].source.doc_id != doc.id:
                        continue
                    if start >= last_end.get(i, 0):
                        counts[i] = counts.get(i, 0) + 1
                        last_end[i] = end
            for i, n in counts.items():
                uses[i].append(Use(doc.id, sec.id, sec.title, tuple(sec.pages), n))
    return [tuple(u) for u in uses]


def build_terms(gen, docs: list[Document], report) -> list[Term]:
    """Extract every document's terms, count their uses, write ``terms.json`` (names,
    definitions, sources and use counts) and ``term-uses.jsonl`` (each term's uses on one line,
    read only for the terms a command shows), and the glossary's full-text index."""
    from dataclasses import replace

    from . import glossary_index
    from .store import write_json_atomic

    terms = [t for doc in docs for t in extract_terms(doc)]
    uses = all_uses(terms, docs)
    lines, at, out = [], 0, []
    for t, u in zip(terms, uses):
        line = (json.dumps([asdict(x) for x in u], ensure_ascii=False) + "\n").encode("utf-8")
        lines.append(line)
        t = replace(t, used_in=(len(u), sum(x.count for x in u)), uses_at=(at, len(line)))
        at += len(line)
        out.append(t)
    tmp = Path(gen.path) / (USES_FILE + ".tmp")
    tmp.write_bytes(b"".join(lines))
    tmp.replace(Path(gen.path) / USES_FILE)
    write_json_atomic(Path(gen.path) / TERMS_FILE, [t.to_dict() for t in out])
    glossary_index.build(gen.path, out)
    report.terms = len(out)
    return [replace(t, uses=u) for t, u in zip(out, uses)]


term_from_dict = Term.from_dict  # the codec is the model's (kb/model.py); this name stays for callers


def load_terms(gen_path) -> list[Term]:
    """The terms of a generation, without their uses (``with_uses`` reads those for the few
    terms a command shows; a missing file is a damaged index)."""
    from .store import read_json

    return [term_from_dict(d) for d in read_json(Path(gen_path) / TERMS_FILE)]


def with_uses(gen_path, terms: list[Term]) -> list[Term]:
    """``terms`` with their uses read from term-uses.jsonl (one seek per term)."""
    from dataclasses import replace

    path = Path(gen_path) / USES_FILE
    if not path.exists() or not any(t.uses_at for t in terms):
        return terms
    out = []
    with path.open("rb") as fh:
        for t in terms:
            if t.uses_at is None or t.uses:
                out.append(t)
                continue
            fh.seek(t.uses_at[0])
            rows = json.loads(fh.read(t.uses_at[1]).decode("utf-8"))
            out.append(replace(t, uses=tuple(Use.from_dict(u) for u in rows)))
    return out


def vocabulary(terms: list[Term]) -> dict[str, str]:
    """Every name of every term → its canonical term, for segmentation and query expansion.

    Latin names are lower-cased (ito → 信息技术外包). Book-title marks are kept on the canonical
    side only as printed. Two-character 简称 (条例, 办法) are left out: they are document-local
    and would expand every query that uses the common word. The first term to claim a name keeps it.
    """
    vocab: dict[str, str] = {}
    for t in terms:
        names = [t.term] + [a.name for a in t.aliases if not (a.kind == "简称" and len(a.name.strip("《》")) <= 2)]
        for name in names:
            key = name.lower() if name.isascii() else name
            vocab.setdefault(key, t.term)
    return vocab
