"""What a plain query asks for: its content words, their other names, and what it only wraps them in.

People type questions (病历保存多少年, 公共租赁住房是什么, 请问如何申请公租房) and run-on phrases
(社会抚养费征收标准). The text never says 多少, 如何 or 请问, so question words, particles and polite
frames are dropped; they never become required words. Each remaining word is a *concept*: the
word as cut, plus its other names (the glossary's aliases and kb/data/synonyms.tsv), any of
which may match. Single characters are kept as weak concepts: they help rank but do not count
towards how many concepts a section must hold (see kb.search: the minimum-should-match policy).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import cn_to_int, int_to_cn

# Whole frames, removed from the text before cutting (longest first), so that their characters
# never glue onto a neighbouring word.
FRAMES = tuple(sorted("""
请问 请教 想问 想知道 我想 我要 我们 请说明 是什么 什么是 是指什么 指的是什么 什么叫 叫什么 有什么 有哪些 是哪些 包括哪些
有关规定 相关规定 有何规定 怎么规定 如何规定 的规定 相关政策 有关政策 什么情况下 哪些情况 怎么办 怎么样 怎样 怎么
如何 多少 多久 多长时间 几年 几天 几个 几次 哪些 哪个 哪里 哪儿 哪类 什么 是否 能否 能不能 可不可以 可否 可以 需要 应该 应当 要求吗
截止日期 截止时间 截至日期 最后期限 什么时候 什么时间 何时 从什么时候 什么时候起 什么时候开始 何时开始 开始施行 开始执行 开始实施
哪个部门 哪些部门 什么部门 哪个单位 哪些单位 什么单位 哪个机关 哪些机关 什么机关 哪个机构 什么机构 哪个处室 哪个处 哪个科 哪一级
什么样的 什么样 多长 多大 多高 多远 具体指 具体是 具体包括 具体有
有什么区别 有何区别 有什么不同 有何不同 什么区别 区别是什么 区别在哪 的区别
怎么算 怎样算 如何算 咋算
啥时候 啥时 多会儿 咋办 咋样 咋弄 咋整 为啥 干啥 啥样 是啥 啥是 啥叫 啥意思 有啥 哪些个
吗 呢 吧 啊 呀 么
""".split(), key=len, reverse=True))

# How many / which of a unit (多少岁, 几届, 几个人, 多少钱, 哪年底): the question word goes and the unit
# stays, on its own (a weak word: figures are written with it), so that the dictionary does not
# read the pair as one word no text holds (几届, 几秒) nor glue the unit onto a neighbour (各岁).
_COUNT_FRAME = re.compile(r"(多少|几)(?:个)?(小时|分钟|平方米|公里|厘米|公斤|千克|万元|年|月|日|天|周|岁|次|届|条|款|项|分|秒|"
                          r"个|人|名|元|块|钱|倍|级|号|套|张|家|所|页|章|本|辆|台|座|户|份|批|类|种|间|万|位|成)")
_WHICH_TIME = re.compile(r"(哪一?)(年|月|日|天|号|届|级|周)")  # 哪年底 → 年底; 哪个部门 is a frame of its own
# A span of time (15天内, 三个月以内, 60日前, 多少天内): the amount is what the text states (十五日内), the
# 内/前/后 after it is grammar. The dictionary glues that onto the unit (15/天内) or, once a count
# frame has taken the number, reads the unit with the word before it (受理后多少天内 → 后天).
_SPAN_UNITS = ("个月", "个工作日", "工作日", "天", "日", "周", "年", "小时", "分钟")
_SPAN_UNIT = "(?:" + "|".join(_SPAN_UNITS) + ")"
_SPAN_END = r"(以内|之内|内|以前|之前|前|以后|之后|后)"
# An amount, not a year: 2019年前 is a point in time (and 2019年前后 no span at all).
_SPAN = re.compile(rf"(?<![0-9零一二两三四五六七八九十百])((?:[0-9]{{1,3}}|[零一二两三四五六七八九十百]{{1,4}}){_SPAN_UNIT}){_SPAN_END}")
# Units of time a count frame leaves: they belong to the number asked, never to the word before them
# (受理后多少天发证 is not 后天, 结婚后几年 not 后年).
_TIME_UNITS = frozenset(_SPAN_UNITS) | {"月"}  # 几个月 leaves 月: alone, 3月 is March, no span
_COUNTED_SPAN = re.compile(rf"(多少|几)((?:个)?{_SPAN_UNIT}){_SPAN_END}")
_ALONE = "\ue001"  # after a counted unit of time: it joins no word before it (后 + 天 is not 后天)
# An A-not-A question (要不要, 受不受理, 补不补, 有没有, 同意不同意) asks whether A: only A is meant.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})[不没]\1")

# Tokens that carry no content on their own when cut out of a query.
STOP = frozenset("""
的 了 吗 呢 吧 啊 呀 么 是 有 在 和 与 及 或 我 你 他 她 它 要 能 会 几 该 怎 啥 咋 请 问 对 把 被 给 向 从 到 得 地 着 过
都 也 还 就 又 才 只 个 这 那 其 之 为 以 于 而 并 等 如 若 谁 哪 何 吗 嘛 呗 去 来 让 使 由 将 按 跟 同 很 最 各
什么 多少 如何 怎么 怎样 哪些 哪个 是否 能否 可以 需要 应该 应当 请问 规定 有关 相关 问题 情况 方面 一下 一些 哪里
定义 含义 意思 是指 指的是 具体 才能 里
还要 还能 还是 还得 别的 到底 究竟 刚好 正好 比较
""".split())

_LATIN = re.compile(r"^[a-z0-9][a-z0-9.+\-]*$")
_QUOTE_MARKS = re.compile(r"[《》“”\"'‘’「」『』]")


# What a question asks for, from the frames it was wrapped in: a definition (是什么), or a
# figure (多少, 几, 多久). kb.search gives sections that answer in that form a little extra.
DEFINITION_CUES = re.compile(r"是什么|什么是|指什么|什么叫|叫什么|是啥|啥是|啥叫|含义|定义|意思|概念|解释")
# Who does it: 哪个部门, 找谁, 归谁管. kb.search gives sections that name a body doing something a little extra.
AGENCY_CUES = re.compile(r"哪[个些一]?(?:部门|单位|机关|机构|处室|处|科|级)|什么(?:部门|单位|机关|机构)|找谁|归谁|由谁|谁(?:负责|审核|审批|受理|办|管)|解释权")
# When: 什么时候施行, 何时截止, 哪年底建成. kb.search gives sections that state a date a little extra.
TIME_CUES = re.compile(r"什么时候|什么时间|何时|哪天|哪一天|哪年|几月|几号|啥时|多会儿|截止|起止")
FIGURE_CUES = re.compile(r"多少|几|多久|多长|多高|多大|多远|上限|下限|最高|最低|最多|最少|标准是|什么时候|啥时|多会儿|何时|哪天|哪年|截止|怎么算|怎样算|如何算|咋算")


_AGE = re.compile(r"([0-9一二三四五六七八九十]+)岁")
_HALF_AGE = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})(周岁|岁)半")


def _digits(number: str) -> str | None:
    if number.isdigit():
        return number
    n = cn_to_int(number)
    return str(n) if n is not None and n > 0 else None


# A level of government said the spoken way: 省里, 市里, 区里, 县里, 镇里 for 省级, 市级, …
_LEVEL = re.compile(r"([省市区县镇乡村])里")


_AMOUNT = re.compile(r"^([0-9]{1,3}(?:\.5)?|[零一二两三四五六七八九十百]{1,4})(周岁|岁|个月|年|月|日|天|周|小时|分钟|次|届|倍|人|名|分|元|万元|条|项|级|个)$")


def _other_numerals(word: str) -> list[str]:
    """A number and its unit in the other way of writing numbers: 五岁 → 5岁, 30日 → 三十日."""
    m = _AMOUNT.match(word)
    if not m:
        return []
    number, unit = m.groups()
    if "." in number:
        return []  # 3.5岁 is how the tables write it; no one writes 三点五岁
    digits = _digits(number)  # _AMOUNT let through digits or numerals only
    if digits is None:
        return []
    cn = int_to_cn(int(digits))
    out = ([cn + unit] if cn else []) if number.isdigit() else [f"{digits}{unit}"]
    if unit == "天":  # people count in 天, laws and notices in 日 (十五日内)
        out += [f"{digits}日"] + ([f"{cn}日"] if cn else [])
    return out


def _part_synonyms(word: str, synonyms) -> tuple[str, ...]:
    """Other names of the longest known head or tail of ``word`` (加班费 → 加班 → 延长工作时间)."""
    for n in range(len(word) - 1, 1, -1):
        for part in (word[:n], word[-n:]):
            if part in synonyms:
                return synonyms[part]
    return ()


def _merge_singles(words: list[str], dropped: list[str] | None = None) -> list[str]:
    """Runs of single characters no dictionary joins (轮/候/期, 骗/租) → one run, looked for as text.

    Each character alone would match nearly everything and say nothing; the run as typed is the
    word the user meant, and the section text is where it may be found.
    """
    out: list[str] = []
    run: list[str] = []

    def flush():
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    def single(w):
        return len(w) == 1 and not w.isascii() and w not in STOP

    for k, w in enumerate(words):
        if single(w) and w in _UNJOINED:
            if run or (k + 1 < len(words) and single(words[k + 1]) and words[k + 1] not in _UNJOINED):
                # Cut off a run it was glued to, it is the grammar around the words (月没: not… within
                # the months), never a word to look for.
                flush()
                if dropped is not None:
                    dropped.append(w)
                continue
        if single(w) and w not in _UNJOINED:
            run.append(w)
        else:
            flush()
            out.append(w)
    flush()
    return out


# A negation is never part of a run of characters no dictionary joined: 6个月没迁 is not 月没, 表打不出来
# is not 表打不. Characters of place and time (后, 内, 里) are left to the run: split off, 卡后 became 卡 and
# the join across a dropped frame then read 卡内 (fresh: 拿到东莞人才入户卡后多长时间内… rank 1 → 2).
_UNJOINED = frozenset("不没未无非别")


def _cut_chunks(text: str, cutter, dropped: list[str] | None = None) -> list[str]:
    """Cut what was typed between frames and spaces, each on its own.

    Two characters a frame stood between are one word only when a dictionary says so
    (扣多少分 → 扣分, 罚多少钱 → 罚钱, 哪年底 → 年底); otherwise each stays a character of its
    own (男女各多少岁 is not 各岁, 几秒算满分 is not 秒算).
    """
    words: list[str] = []
    counted = False
    for chunk in text.split():
        alone = chunk.endswith(_ALONE)
        chunk = chunk.rstrip(_ALONE)
        after_count, counted = counted, chunk.endswith(_COUNTED)
        chunk = chunk.rstrip(_COUNTED)
        # An amount standing alone is one word: 3.5岁 (from 三岁半), whose decimal the cut would split,
        # and 15天 (set apart from its 内), whose unit would join the next chunk's first character.
        part = [chunk] if _AMOUNT.match(chunk) else _merge_singles(cutter.cut(chunk), dropped)
        if (words and part and not after_count and not alone and len(words[-1]) == 1 and len(part[0]) == 1 and not words[-1].isascii()
                and not part[0].isascii() and not {words[-1], part[0]} & STOP and cutter.knows(words[-1] + part[0])):
            words[-1] += part.pop(0)
        words += part
    return _join_number_units(_rejoin_amounts(words))


_NUMBER = re.compile(r"^(?:[0-9]{1,3}(?:\.5)?|[零一二两三四五六七八九十百]{1,4})$")


def _join_number_units(words: list[str]) -> list[str]:
    """A number the cut left apart from its unit joins it again: 6/个/月 → 6个月, 5000/元 → 5000元.

    Alone, 6 and 月 are nothing anyone can find; 6个月 is an amount, found in the other numerals too.
    """
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if _NUMBER.match(w):
            for span in (3, 2):  # 6个月 before 6个
                joined = "".join(words[i:i + span])
                if i + span <= len(words) and _AMOUNT.match(joined):
                    out.append(joined)
                    i += span
                    break
            else:
                out.append(w)
                i += 1
            continue
        out.append(w)
        i += 1
    return out


_COUNTED = "\ue000"  # after the unit a count frame left (a private-use character no query holds)
_TRAILING_NUMBER = re.compile(r"(?:[0-9]+|[零一二两三四五六七八九十百]+)$")


def _rejoin_amounts(words: list[str]) -> list[str]:
    """A number the dictionary glued to the word before it goes back to its unit: 满六/周岁 → 满, 六周岁.

    A number with its unit is what the other numerals are found for (六周岁 ↔ 6周岁); cut off from
    it, neither half says anything (满六 is a dictionary word no text means here).
    """
    out: list[str] = []
    for w in words:
        prev = out[-1] if out else ""
        m = _TRAILING_NUMBER.search(prev)
        if m and m.start() > 0 and not _AMOUNT.match(prev) and _AMOUNT.match(m.group() + w):
            out[-1] = prev[:m.start()]
            out.append(m.group() + w)
        else:
            out.append(w)
    return out


@dataclass(frozen=True)
class Concept:
    word: str                              # as cut from the query
    names: tuple[str, ...]                 # other names that may match instead (synonyms, aliases)
    weak: bool = False                     # a single character: ranks, never required

    def all_names(self) -> tuple[str, ...]:
        return (self.word, *self.names)


@dataclass(frozen=True)
class Analysis:
    text: str                              # the query as searched (simplified, width-folded)
    concepts: tuple[Concept, ...]
    dropped: tuple[str, ...] = field(default=())  # question words and frames left out
    asks_definition: bool = False  # 是什么, 什么是, 含义: the answer defines a word
    asks_figure: bool = False      # 多少, 几, 多久, 上限: the answer is a number
    asks_agency: bool = False      # 哪个部门, 找谁: the answer names a body
    asks_time: bool = False        # 什么时候, 何时, 哪天: the answer states a date

    @property
    def words(self) -> list[str]:
        return [c.word for c in self.concepts]

    @property
    def expanded(self) -> dict[str, list[str]]:
        return {c.word: list(c.names) for c in self.concepts if c.names}


    @property
    def strong(self) -> tuple[Concept, ...]:
        return tuple(c for c in self.concepts if not c.weak)


_FRAME_SET = frozenset(FRAMES)


def _drop_frame(text: str, frame: str, cutter, dropped: list[str]) -> str:
    """``text`` without each occurrence of ``frame``, unless the frame's last characters begin a
    word with what follows: then only the shorter frame before that word goes (居住证怎么办理 is
    怎么 + 办理, not 怎么办 + 理). The cut of the frame and the few characters after it decides,
    so 可以上学 still drops 可以 (可以 + 上学) and 怎么办 alone is the frame."""
    out, start = [], 0
    while (i := text.find(frame, start)) >= 0:
        j = i + len(frame)
        cut_at, ends = 0, set()
        for w in cutter.cut(text[i:j + 4]):
            cut_at += len(w)
            ends.add(cut_at)
        if len(frame) not in ends:
            shorter = [b for b in ends if b < len(frame) and text[i:i + b] in _FRAME_SET]
            if shorter:
                j = i + max(shorter)
        dropped.append(text[i:j])
        out += [text[start:i], " "]
        start = j
    return "".join(out) + text[start:]


def _spans(text: str, cutter, dropped: list[str]) -> str:
    """15天内 → 15天 (and 受理后多少天内 → 受理后多少天): the 内/前/后 after an amount of time is
    grammar. Not where it begins the next word (3日前往, 9月1日前后, 满3年内地, 15天内容)."""

    def ends_a_span(m) -> bool:
        after = text[m.end(): m.end() + 1]
        return not (after and cutter.knows(m.group(m.lastindex)[-1] + after))

    def amount(m):
        if not ends_a_span(m):
            return m.group()
        dropped.append(m.group(2))
        return f" {m.group(1)} "

    def counted(m):  # the count frame below takes the number and marks the unit
        if not ends_a_span(m):
            return m.group()
        dropped.append(m.group(3))
        return f"{m.group(1)}{m.group(2)}"

    return _COUNTED_SPAN.sub(counted, _SPAN.sub(amount, text))


def analyse(text: str, cutter, synonyms: dict[str, tuple[str, ...]], aliases: dict[str, str]) -> Analysis:
    """Cut ``text`` into concepts. ``aliases``: glossary name → canonical term (lower-cased keys)."""
    text = _QUOTE_MARKS.sub(" ", text.lower())
    definition, figure = bool(DEFINITION_CUES.search(text)), bool(FIGURE_CUES.search(text))
    agency, when = bool(AGENCY_CUES.search(text)), bool(TIME_CUES.search(text))
    dropped: list[str] = []
    for m in _A_NOT_A.finditer(text):
        dropped.append(m.group())
    text = _A_NOT_A.sub(lambda m: m.group(1) if len(m.group(1)) > 1 or m.group(1) not in STOP else " ", text)
    text = _spans(text, cutter, dropped)
    for frame in (_COUNT_FRAME, _WHICH_TIME):
        dropped += [m.group(1) for m in frame.finditer(text)]
        # A counted unit is marked: it may join the word before it (扣多少分 → 扣分), never the one after
        # (几台车 is 台 of 车, not the dictionary's 台车); a unit of time joins neither.
        if frame is _COUNT_FRAME:
            text = frame.sub(lambda m: f" {m.group(2)}{_COUNTED}{_ALONE if m.group(2) in _TIME_UNITS else ''} ", text)
        else:
            text = frame.sub(lambda m: f" {m.group(2)} ", text)
    # Half a year of age is written as a decimal in the score tables (表6 3.5岁幼儿…): 三岁半, 5岁半 → 3.5岁.
    text = _HALF_AGE.sub(lambda m: f" {_digits(m.group(1))}.5{m.group(2)} " if _digits(m.group(1)) else m.group(), text)
    for frame in FRAMES:
        if frame in text:
            text = _drop_frame(text, frame, cutter, dropped)
    concepts: list[Concept] = []
    seen: set[str] = set()
    for word in _cut_chunks(text, cutter, dropped):
        if not word or word in seen:
            continue
        seen.add(word)
        if word in STOP:
            dropped.append(word)
            continue
        names: dict[str, None] = {}
        # A word the documents never use may still hold one they do under another name (加班费).
        parts = () if word in cutter.freqs else _part_synonyms(word, synonyms)
        for other in synonyms.get(word, ()) or parts:
            names[other] = None
        canonical = aliases.get(word)
        # A glossary alias's canonical term brings its own other names (BPO → 业务流程外包 → …); a
        # synonym's other names do not: 未成年人 is 孩子 as people say it, but 孩子's 子女 (someone's
        # offspring, of any age) is not a 未成年人.
        if canonical and canonical.lower() != word:
            names[canonical.lower()] = None
            for more in synonyms.get(canonical.lower(), ()):
                if more != word:
                    names.setdefault(more, None)
        level = _LEVEL.fullmatch(word)
        if level:  # 省里 is how people say what the text calls 省级 (省财政, 省级财政)
            names.setdefault(f"{level.group(1)}级", None)
        age = _AGE.fullmatch(word)
        if age:  # 八岁 is written 八周岁 in the law
            names.setdefault(f"{age.group(1)}周岁", None)
        # 五岁 is 5岁 in a table (and 5周岁), 6个月 is 六个月 in a law
        for other in _other_numerals(word) + (_other_numerals(f"{age.group(1)}周岁") if age else []):
            names.setdefault(other, None)
        # A single character matches nearly every section: never an expansion, only a word typed.
        names = {n: None for n in names if len(n) > 1 or _LATIN.match(n)}
        weak = len(word) == 1 and not _LATIN.match(word)
        concepts.append(Concept(word, tuple(names), weak))
    if concepts and all(c.weak for c in concepts):
        # Nothing but single characters (a one-character query, or an unknown run): they are all there is.
        concepts = [Concept(c.word, c.names, False) for c in concepts]
    return Analysis(text=" ".join(text.replace(_COUNTED, "").replace(_ALONE, "").split()), concepts=tuple(concepts), dropped=tuple(dict.fromkeys(dropped)),
                    asks_definition=definition, asks_figure=figure, asks_agency=agency,
                    asks_time=when)
