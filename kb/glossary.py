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
from dataclasses import dataclass, field, replace
from pathlib import Path

from .model import Alias, Document, Footnote, Paragraph, Section, Source, Term, Use
from .text import CN_DIGITS, HAN as CJK, name_key as _key

TERMS_FILE = "terms.json"

GLOSSARY_HEADING = re.compile(r"概念解释|名词解释|术语|释义|用语含义|定义|名词")
SENTENCE_END = "。！？"

# "X（service outsourcing）系指…", "稳定就业是指…", "诊疗活动：是指…", "［注：“…”是指…": a
# definition opens a clause (paragraph start, after 。 or ；) with the word it defines.
CLAUSE_DEF = re.compile(
    r"(?:^|(?<=[。；;\n])|(?<=其中，)|(?=［注：|\[注：))(?:［注：|\[注：)?[“\"]?((?:[^，,。；;：:\n“”\"（）()]|（[\u4e00-\u9fff]{1,3}）|“[^“”]{1,6}”){2,24}?)[”\"]?"
    r"(?:（([A-Za-z][^（）]{1,60})）)?(?:[，,：:；;]?(?:是指|系指)|[：:]?\s*(?<![所按要般常])指(?![出导定挥示明标数南引令]))"
)
# Words a definition opens with that are not the term: "本方案中的新莞人子女是指", "前款规定的…".
SCOPE_PREFIX = re.compile(r"^(?:本[\u4e00-\u9fff]{0,6}?(?:中的|所称的?|所指的?|所说的?)|前款(?:规定|所称|所说)的|上述|其中[，,]?)")
# A law defines by predication (民法典, 宪法): "合同是民事主体之间…的协议", "国家所有即全民所有",
# "物包括不动产和动产", "十八周岁以上的自然人为成年人". Read only in articles (条), where such a
# sentence is a rule about the word; in a notice "X是…" is as often a claim as a definition.
IS_DEF = re.compile(r"^([^，,。；;：:\s“”（）()、的]{2,16}?)(?:是|[，,]?即(?![具与可应为将是]))(?!指|否|由|在|为了|因为|从|不[是得应宜要])([^，,。；;]*)")
# A predication that values or ranks its subject is not a definition ("劳动是…光荣职责", "社会主义制度是…根本
# 制度", "劳务派遣单位是本法所称用人单位"): the README's "value statements" and classifications.
VALUE_PREDICATE = re.compile(r"光荣|根本|重要|本质|基本|补充形式|法定义务|所称")
# "数据处理，包括…", "个人信息的处理包括…"; not "合同的内容一般包括…", "…的范围包括…", "保证的方式包括…",
# "反馈途径包括电话、信函…": contents, scope and the options of a procedure are not what a word means.
INCLUDES_DEF = re.compile(r"^([^，,。；;：:\s“”（）()、]{1,14}?)[，,]?包括(?![：:]|下列|以下|但|以及)([^。]*)")
_NOT_INCLUDES_HEAD = re.compile(r"(?:内容|范围|事项|方式|种类|类型|形式|途径|渠道|一般|主要|通常|等|的|时)$")
NAMED_AS = re.compile(r"(?<=[的人产地物])[，,]?为其?(?![了止何此准主])((?:一般)?[^\s，,。；;、“”《》（）()0-9一二三四五六七八九十百千的或和及]{2,12})(?=[。，；])")
# "自然人从事工商业经营，经依法登记，为个体工商户。", "…外孙子女为近亲属。": a sentence that ends by
# naming what it described. "为" after a verb or modal is "as"/"for" (作为, 视为, 代为, 不得为).
NAMED_END = re.compile(
    r"(?<![作成认行视改变分列定更极较因称转划选评聘任命封授推广代得可应能努])[，,]?为(?![了止何此准主])"
    r"((?:一般)?[^\s，,。；;、“”《》（）()0-9一二三四五六七八九十百千的或和及]{2,12})(?=[。；])")
# A clause that appoints or declares ("申请宣告该自然人为失踪人") names a status, not a definition.
# "以…为原则/住所" takes something as a standard.
APPOINTS = re.compile(r"宣告|认定|指定|确定|推选|选定|选举|聘任|任命|申请|作为|登记为|(?<![所可得加予足难])以(?![上下内外前后及来便免致])(?![^，,。；;]*为目的)")
CLASSIFIED = re.compile(r"(?<=的)为(?![了止何此准主宜好佳限])([^\s，,。；;、“”《》（）()0-9一二三四五六七八九十百千的或和及]{2,12})(?=[。；])")
# A subject with a modal or a time word is a rule about it, not its definition ("保证合同可以是…",
# "胎儿娩出时是死体的").
_NOT_A_NAME_END = re.compile(r"(?:应当|可以|一般|(?<!首)都|确实|但|时|生前|之日起|也|均|必须|不得)$")
_NOT_A_TERM = re.compile(r"^(?:这|其|该|此|它|本|上述|前款|下列|以下|凡|各|每|有|没有|但|如|若|对|在|由|为|因|是|也|都|应|不(?!动产|可抗力|当得利)|可|已|将|我|你|他|她)|(?:目的|关键|重点|原因|任务|方针|根本|基础)$|^(?:中华人民共和国|国家|我国)$")
SUOCHENG = re.compile(r"所[称指]([^，,。；;：:\s]{2,20}?)(?:[，,]?(?:是|系)?指|[，,](?:包括|是))")
# A quoted word opening a clause and explained there: "“近5年”是从2010年6月1日统计至…", "“N”是可选项，
# 指…", "［注：“申领人在本省有产权住房”是指…］", and a status label: 若显示“信息已验证”，说明该信息…
QUOTED_IS = re.compile(r"(?:^|(?<=[。；;\n])|(?<=［注：)|(?<=\[注：))“([^“”]{1,14})”(?:是|即)(?!一项|一种|一个)")
STATUS_SAYS = re.compile(r"“([^“”]{2,12})”[，,]说明")
# A period fixed by its dates: "近3个年度是从2012年1月1日统计至2014年12月31日".
PERIOD_IS = re.compile(r"(?:^|(?<=[。；;\n．.、]))([^，,。；;：:\s“”]{2,8})是从[^。；;]{4,30}?统计至")
# "农村居民(农业人口，下同)": another name, kept for the rest of the text; not a scope note (含收养，下同).
SAME_BELOW = re.compile(r"[（(](?!含|包括|不含)([\u4e00-\u9fff]{2,10})[，,]下同[）)]")
# "属于国家所有即全民所有", "人民民主专政，实质上即无产阶级专政": two names of one thing.
# What follows 即 when it means "thereby, at once" (即确立婚姻关系, 即受…约束), not "namely".
_THEREBY = r"受|确立|解除|说明|一|不|在|对|向|从|被|由|立|按|要"
ALSO_IS = re.compile(rf"[，,]?(?:实质上)?(?<![立随当旋])即(?![可行时日将使便为是具与应：:])((?!{_THEREBY})[^，,。；;]{{2,24}})(?=[。；;，,])")
# "台阶指数=运动持续时间（S）/3次测量脉搏数之和×100": a formula that opens a line defines its left side.
FORMULA = re.compile(r"(?:^|(?<=[。；;\n]))([\u4e00-\u9fff]{2,10})\s*[=＝]\s*([^\n。；;=＝]{4,80})")
# "国务院公安部门和省级人民政府公安机关，是…的登记管理机关。": a role the law goes on to use, given to the
# organs named before the comma.
ROLE_IS = re.compile(r"[，,]是([^，,。；;]{2,40})的(?:相应|有关|各)?([^，,。；;的]{2,10}(?:机关|单位|部门|机构))(?=[。；;])")
# "自治区、自治州、自治县都是民族自治地方", "凡具有…国籍的人都是中华人民共和国公民".
ALL_ARE = re.compile(r"(?<!首)都是([^，,。；;“”的]{2,14})(?=[。；;])")
# "事业基金（事业单位当年收支相抵后…的基金）": a bracket that says what the word before it is.
BRACKET_DEF = re.compile(r"([\u4e00-\u9fff]{2,8})（(?!含|不含|包括|以下|简称|下同)([^（）]{6,60}的([\u4e00-\u9fff]{1,3}))）")
NOUN_CUT = re.compile(r"属于|以|为|是|属|" + r"或者是|或者|通过|某种|下属的|的|或|和|与|及|按|将|把|对|向|由|在|给")
# "本法所称的“以上”、“以下”，包括本数；所称的“不满”，不包括本数": quoted words whose reading is fixed.
QUOTED_COUNTS = re.compile(r"((?:“[^“”]{1,8}”[、，,]?)+)[，,]?(?:均|都)?不?包[含括]本数")
# "（以下简称示范城市）", "（商服贸〔2018〕3号，以下简称《评价办法》）", "（简称X）"
JIANCHENG = re.compile(r"[（(](?:[^（）()]*?[，,；;])?(以下简称|以下称|下称|简称|以下统称|以下合称|统称|合称)[“\"]?([^（）()“”\"，,。]{1,20}?)[”\"]?[）)]")
YOUMING = re.compile(r"又名([^，,。；;]+)")
ENGLISH_IS = re.compile(
    r"英文(?:名称|名)?(?:为|是)?[:：]?\s*([A-Za-z][A-Za-z .\-&]*[A-Za-z])\s*"
    r"(?:[，,]\s*(?:简写|简称|缩写)(?:为)?\s*([A-Za-z]{2,10}))?"
)
# A Chinese name with its English name and/or abbreviation in parentheses:
# 共享服务中心（share service center,SSC）, 服务水平协议（SLA）, 服务外包（service outsourcing）
PAREN_LATIN = re.compile(rf"([{CJK}]{{2,14}})（([A-Za-z][A-Za-z .\-&]*?)(?:\s*[,，]\s*([A-Za-z]{{2,10}}))?）")
# A footnote explains a word: "数字支付包括…" (issue 11), "X是指…", "X：指…".
FOOTNOTE_DEF = re.compile(r"^([^，,。；;：:]{2,20}?)(?:是为|是指|系指|[，,]?包括|[：:]\s*指)")
TERM_LIST = re.compile(r"下列用语的含义|下列用语含义|下列术语")
# Words that end the phrase before a name: "机构下属的共享服务中心", "按某种服务水平协议"
LEAD_WORDS = re.compile(r"或者是|或者|通过|某种|下属的|的|或|和|与|及|按|将|把|对|向|由|在|给")
LEAD_CHARS = set("的或和与及按将把对向由在给，,、。；;：:（）()“”\n")
COUNT_PREFIX = re.compile(r"^[0-9０-９一二三四五六七八九十百千]+[个项家名类条所座种]")


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
        self._text: str | None = None
        # Asked for every section: one walk, not Document.heading_path's walk per call
        # (that made a long law's glossary quadratic in its sections).
        self.paths: dict[str, list[str]] = {}
        for sec, path in doc.walk_paths():
            self.paths.setdefault(sec.id, list(path))  # the first, as heading_path answers

    def uses_in_doc(self, name: str) -> int:
        if self._text is None:
            self._text = "\n".join(s.text for s in self.doc.walk())
        return self._text.count(name)

    def add(self, draft: _Draft) -> _Draft:
        if _junk(draft.term):
            return draft  # not kept: the caller may still add aliases to it
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
                heading_path=tuple(self.paths.get(d.section.id, ())),
                pages=tuple(d.pages),
            )
            out.append(Term(d.term, tuple(d.aliases), d.definition.strip(), source, d.origin))
        return out


# A term is a name: not a table cell's rest ("…兼具. |"), not a list number ("3、…"), not a clause cut
# after a particle ("NGO财务管理的基本理念就"), not a word printed twice over ("合法性合法性").
_JUNK = re.compile(r"[|｜\n]|\.\s|^[0-9０-９]+[、.．]|[就也了着过吗呢吧啊]$|^[的了着]")


def _junk(name: str) -> bool:
    name = name.strip()
    half = len(name) // 2
    doubled = len(name) >= 4 and len(name) % 2 == 0 and name[:half] == name[half:]
    return doubled or bool(_JUNK.search(name))


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
    origin = "glossary" if _in_glossary(col, sec) else "inline"
    _term_list(col, sec)  # first: its definitions run over several paragraphs
    _quoted_counts(col, sec, joined)
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
        # An article quoted in another section's text (kb.structure keeps other documents' articles
        # as paragraphs) defines as an article does: "…经审查属实，为卫生行政处罚证据。"
        quoted = [replace(p, text=p.text[m.end():]) for p in sec.paragraphs if (m := ARTICLE_OPENING.match(p.text))]
        if quoted:
            _predications(col, sec, _Joined.of(quoted))
    _named_in_parentheses(col, sec, joined, origin)
    _explained(col, sec, joined, origin)
    _short_names(col, sec, joined)
    for p in sec.paragraphs:
        for fn in p.footnotes:
            _footnote(col, sec, fn)


ARTICLE_OPENING = re.compile(rf"^第[{CN_DIGITS}\d]+条\s*")


def _in_glossary(col: _Collector, sec: Section) -> bool:
    path = col.paths.get(sec.id, [])
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


def _noun_before(text: str) -> str:
    """The noun phrase that ends ``text``: its last clause cut after a verb, 的 or a conjunction."""
    clause = re.split(r"[，,。；;：:、\n（）()]", text)[-1]
    return NOUN_CUT.split(clause)[-1]


def _explained(col: _Collector, sec: Section, joined: _Joined, origin: str) -> None:
    """Definitions any text can hold: quoted words explained, periods, other names kept 下同 or
    given by 即, 都是 lists, a bracket that describes the word before it, 名词解释 entries."""
    text = joined.text

    def add(name, start, end, at=None):
        a, b = at or (start, end)
        return col.add(_Draft(name, text[start:end], sec, joined.pages(a, b), origin))

    for m in QUOTED_IS.finditer(text):
        start, end = joined.sentence(m.start(), SENTENCE_END + "；;")
        add(m.group(1), start, end)
    for m in STATUS_SAYS.finditer(text):
        start = text.rfind("“", 0, m.start() + 1)
        _, end = joined.sentence(m.end(), SENTENCE_END + "；;")
        add(m.group(1), start, end)
    for m in FORMULA.finditer(text):
        add(m.group(1), m.start(1), m.end(2))
    if sec.kind == "article":
        for m in ROLE_IS.finditer(text):
            if col.uses_in_doc(m.group(2)) >= 2:
                start, end = joined.sentence(m.start())
                add(m.group(2), start, end)
    for m in PERIOD_IS.finditer(text):
        start, end = joined.sentence(m.start(1))
        add(m.group(1), m.start(1), end)
    for m in SAME_BELOW.finditer(text):
        name = _noun_before(text[: m.start()])
        if len(name) >= 2 and not _NOT_A_TERM.search(name):
            start, end = joined.sentence(m.start())
            add(name, start, end, (m.start(), m.end())).alias(m.group(1), "又名")
    for m in ALSO_IS.finditer(text):
        name, other = _noun_before(text[: m.start()]), m.group(1)
        # "五种关爱模式，即阵地模式、制度模式…": an enumeration of kinds, not another name.
        if (not 2 <= len(name) <= 12 or _NOT_A_TERM.search(name) or COUNT_PREFIX.search(name)
                or re.search(r"[0-9]", name) or re.search(r"不|应当|可以|能|、", other)):
            continue
        start, end = joined.sentence(m.start())
        opened = text.rfind("（", start, m.start())
        if opened >= 0 and "）" not in text[opened:m.start()]:
            # "（由…提供物流服务的业务模式，即第三方物流）": a bracketed note describes, then names.
            named = other.split("）")[0]
            if "）" in other and 2 <= len(named) <= 10 and not re.search(r"[和、或]", named):
                add(named, opened + 1, m.start(1) + len(named))
            continue
        draft = add(name, start, end)
        if len(other) <= 10 and not re.search(r"[和、或]", other):
            draft.alias(other, "又名")
        _country_alias(draft)
    if sec.kind == "article":
        for m in ALL_ARE.finditer(text):
            start, end = joined.sentence(m.start())
            subject = text[start:m.start()]
            if "、" in subject or subject.lstrip().startswith("凡"):
                _country_alias(add(m.group(1), start, end))
    for m in BRACKET_DEF.finditer(text):
        name = m.group(1)
        if name.endswith(m.group(3)) and not name.startswith("的"):
            add(NOUN_CUT.split(name)[-1], m.start(2), m.end(2), (m.start(), m.end()))
    if any("名词解释" in h for h in col.paths.get(sec.id, [])):
        # "上级补助收入：事业单位从主管部门和上级单位取得的非财政补助收入。"
        for p in sec.paragraphs:
            e = re.match(rf"^([^，,。；;：:\s“”]{{2,16}})[：:]\s*(?!指|是指)([{CJK}].*)", p.text)
            if e:
                col.add(_Draft(e.group(1), p.text, sec, p.pages, origin))


def _quoted_counts(col: _Collector, sec: Section, joined: _Joined) -> None:
    """"所称“以下”不包含本数，“以上”均包含本数": each group of quoted words is a term, the whole
    sentence (which states both readings) its definition."""
    text = joined.text
    for m in QUOTED_COUNTS.finditer(text):
        start, end = joined.sentence(m.start())
        if "所称" not in text[start:m.start()]:
            continue
        names = re.findall(r"“([^“”]{1,8})”", m.group(1))
        draft = col.add(_Draft(names[0], text[start:end], sec, joined.pages(start, end), "inline"))
        for other in names[1:]:
            draft.alias(other, "并称")


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
            if pattern is INCLUDES_DEF and (_NOT_INCLUDES_HEAD.search(m.group(1)) or m.group(2).endswith("内容")):
                continue
            if pattern is IS_DEF and m.group(2).endswith("的") and not m.group(2).endswith("目的") \
                    and rest[m.end():m.end() + 1] in "，,":
                continue  # "受送人是公民的，…": a condition ("…为了共同的事业目的，…" is not)
            if pattern is IS_DEF and (VALUE_PREDICATE.search(m.group(2))
                                      or ("即" in rest[len(m.group(1)):m.start(2)] and re.match(_THEREBY, m.group(2)))):
                continue
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
        if end - start > 120 or APPOINTS.search(_clause_before(text, m.start()) + m.group(0)[: m.group(0).index("为") + 1]):
            continue
        col.add(_Draft(name, text[start:end], sec, joined.pages(start, end), "inline"))
    for m in NAMED_END.finditer(text):
        name, clause = m.group(1), _clause_before(text, m.start())
        start, end = joined.sentence(m.start())
        # The name must be one the document uses on its own elsewhere: "…为人民服务" names nothing.
        # "…签收时间为交付时间", "…分界处为履行地点": a rule fixing a value, not a named concept.
        if (_NOT_A_TERM.search(name) or _NOT_A_TERM.search(re.split(r"[，,]", clause)[-1]) or end - start > 120
                or re.search(r"(?:时间|地点|日期|期限)$", name)
                or (name.endswith("服务") and not m.group(0).startswith(("，", ",")))  # 为人民服务: "serve"
                or APPOINTS.search(clause + m.group(0)[: m.group(0).index("为") + 1])
                or col.uses_in_doc(name) < 2
                or _in_condition_list(text, start)):
            continue
        col.add(_Draft(name, text[start:end], sec, joined.pages(start, end), "inline", strength=1))


def _in_condition_list(text: str, pos: int) -> bool:
    """An item of "有下列情形之一的：" states a case, not a definition ("（二）擅自执业的人员为…；")."""
    intro = text.rfind("：\n", 0, pos)
    return intro >= 0 and "情形" in text[text.rfind("\n", 0, intro) + 1:intro] and "。" not in text[intro:pos]


def _clause_before(text: str, pos: int) -> str:
    """The text of the sentence before ``pos`` (back to the last 。；or line end)."""
    start = max(text.rfind(c, 0, pos) for c in "。；;\n") + 1
    return text[start:pos]


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
        # "…外包给…机构下属的共享服务中心（share service center,SSC）…": the name is only mentioned in
        # another word's definition; say so rather than pass that definition off as its own.
        said = re.match(r"[，,：:]?\s*(?:是指|系指|指|是|为)", text[m.end():])
        draft = col.add(_Draft(name, text[start:end], sec, joined.pages(m.start(), m.end()), origin if said else "mention"))
        if abbr:
            draft.alias(latin, "English")
            draft.alias(abbr, "abbreviation")
        else:
            draft.alias(latin, "abbreviation")


def _short_names(col: _Collector, sec: Section, joined: _Joined) -> None:
    """"31个服务外包示范城市（以下简称示范城市）" → 服务外包示范城市, 简称 示范城市."""
    text = joined.text
    for m in JIANCHENG.finditer(text):
        short = m.group(2).strip()
        start, end = joined.sentence(m.start())
        if m.group(1).endswith(("统称", "合称")):
            # "企业、个体经济组织（以下统称用人单位）": the name is given to a list or a description,
            # so the short name is the term and the words before it are its definition.
            if _has_cjk(short, 2):
                col.add(_Draft(short, text[start:end], sec, joined.pages(m.start(), m.end()), "inline"))
            continue
        full = _full_name(text[: m.start()], short)
        if full and _key(full) == _key(short) and text[: m.start() - len(full)].endswith("的"):
            # "不愿意放弃外国永久（长期）居留权的留学人员（以下简称留学人员）": the words before narrow
            # the name down; they are its definition.
            col.add(_Draft(short, text[start:end], sec, joined.pages(m.start(), m.end()), "inline"))
            continue
        if not full or _key(full) == _key(short) or not _has_cjk(full + short, 2):
            continue
        if "的" in full and not full.startswith("《"):
            # "接受以劳务派遣形式用工的单位（以下称用工单位）": a clause with 的 describes what the
            # short name names; it is no name of its own, so the short name is the term.
            if _has_cjk(short, 2):
                col.add(_Draft(short, text[start:end], sec, joined.pages(m.start(), m.end()), "inline"))
            continue
        if not _subsequence([c for c in short if c not in "《》“”、 "], full):
            # "其他金融机构（简称开户银行）": not a shortening of the words before it, so it is no alias
            # of them; the short name is a term of its own, the sentence its definition.
            if _has_cjk(short, 2):
                col.add(_Draft(short, text[start:end], sec, joined.pages(m.start(), m.end()), "inline"))
            continue
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

def names_for_uses(term: Term) -> tuple[list[str], list[str]]:
    """(names counted in every document, names counted only in the defining one).

    A 简称 is declared "以下简称" for one document; elsewhere 条例 or 申请表 means something else.
    """
    everywhere = [term.term] + [a.name for a in term.aliases if a.kind in ("又名",) and _has_cjk(a.name, 1)]
    everywhere += [a.name for a in term.aliases if a.kind == "abbreviation"]
    local = [a.name for a in term.aliases if a.kind == "简称"]
    # A name of one character (the “2” and “N” of a “2+N” scheme) is the term only where it is
    # quoted: bare, it is every 2 and every N of the corpus (6,546 uses of “2” in ../shared/real).
    return [_quoted_if_single(n) for n in everywhere], [_quoted_if_single(n) for n in local]


def _quoted_if_single(name: str) -> str:
    return f"“{name}”" if len(name) == 1 else name


_names_for_uses = names_for_uses  # its name before kb.glossary_build used it

USES_FILE = "term-uses.jsonl"


def term_uses(term: Term, docs: list[Document]) -> tuple[Use, ...]:
    """The uses of one term (all_uses does every term in one pass; this is the same rule)."""
    return all_uses([term], docs)[0]


def all_uses(terms: list[Term], docs: list[Document]) -> list[tuple[Use, ...]]:
    """For each term, every section that names it, with counts: one scan per section for all
    terms (kb.glossary_build's automaton; one regex per term over every section grew with
    terms × sections: issue 13).

    Per term the count is what a regex of its names (longest first) would find: matches do not
    overlap. A 简称 counts only in the defining document; a Latin name only as a whole word.
    """
    from .glossary_build import Automaton, count_matches

    owners: dict[str, tuple] = {}
    local: dict[str, dict[str, tuple]] = {}
    for i, t in enumerate(terms):
        everywhere, only_here = names_for_uses(t)
        for n in {n for n in everywhere if n}:
            owners[n] = owners.get(n, ()) + (i,)
        mine = local.setdefault(t.source.doc_id, {})
        for n in {n for n in only_here if n} - set(everywhere):
            mine[n] = mine.get(n, ()) + (i,)
    auto = Automaton(set(owners) | {n for m in local.values() for n in m})
    uses: list[list[Use]] = [[] for _ in terms]
    for doc in docs:
        here = local.get(doc.id, {})
        for sec in doc.walk():
            occ = auto.occurrences(sec.text)
            if not occ:
                continue
            counts = count_matches(occ, lambda name: owners.get(name, ()) + here.get(name, ()))
            for i in sorted(counts):
                uses[i].append(Use(doc.id, sec.id, sec.title, tuple(sec.pages), counts[i]))
    return [tuple(u) for u in uses]


def build_terms(gen, docs, report, reuse: bool = True) -> list[Term]:
    """Extract every document's terms, count their uses, write ``terms.json`` (names,
    definitions, sources and use counts) and ``term-uses.jsonl`` (the uses, read only for the
    terms a command shows), and the glossary's full-text index: kb.glossary_build, which with
    ``reuse`` reads again only the documents that changed. The terms, without their uses."""
    from . import glossary_build

    return glossary_build.build(gen, docs, report, reuse=reuse)


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
            # (offset, length) pairs: a whole line, or pieces of lines (kb.glossary_build) whose
            # uses are joined in the order given.
            pieces = []
            for at, length in zip(t.uses_at[::2], t.uses_at[1::2]):
                fh.seek(at)
                piece = fh.read(length).strip(b"[],\n ")
                if piece:
                    pieces.append(piece)
            rows = json.loads(b"[" + b",".join(pieces) + b"]")
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
