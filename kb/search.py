"""A query string → ranked sections with provenance and a highlighted snippet.

The query is converted traditional → simplified (kb.text.to_simplified: OpenCC's table, OpenCC
itself only for a text holding one of its phrases), parsed with Whoosh's syntax (AND OR NOT,
"phrases", grouping, title:/body:, prefix*), cut into the index's own words by kb.query_cut
(jieba is never loaded here: that alone would cost ~0.8 s a search), expanded with glossary
aliases (BPO → 业务流程外包), and run against the live generation's snapshot — so a search during
an ingest answers from the previous generation. The best sections are found by
kb.whoosh_compat.top_docs (exact top-k, MaxScore), not Whoosh's collector.
"""
from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .errors import IndexMissingError, QueryError, QueryOptionError
from .ocr_marks import ocr_pages_in
from .store import Store
from .text import CN_DIGITS, TOC_LINE, fold_width, normalise_doc_number, to_simplified, year_bracket_forms

SCOPES = ("all", "title", "body")
SORTS = ("score", "date")


@dataclass
class Hit:
    doc_id: str
    doc_title: str
    doc_number: str | None
    doc_type: str | None
    date: str | None
    section_id: str
    title: str
    heading_path: list[str]
    pages: tuple[int, int]
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in snippet
    matched: list[str] = field(default_factory=list)  # the query's words this section holds (plain queries)
    partial: bool = False  # holds only some of the query's words
    ocr: bool = False  # some of the section's pages were read by OCR (kb/ocr.py): quote with care


@dataclass
class DocGroup:
    """One document of a --by-doc listing: how many sections match, and its best one."""
    doc_id: str
    doc_title: str
    doc_number: str | None
    date: str | None
    sections: int
    best: Hit


@dataclass
class SearchResult:
    query: str
    normalized: str  # after traditional → simplified
    hits: list[Hit]
    mode: str = "best"  # "best": plain words, best match first; "boolean": typed syntax, exact meaning
    words: list[str] = field(default_factory=list)  # the query's content words
    expanded: dict[str, list[str]] = field(default_factory=dict)  # word → other names also searched
    dropped: list[str] = field(default_factory=list)  # question words and frames left out
    unmatched: list[str] = field(default_factory=list)  # words no section holds
    total: int = 0  # sections that match
    documents: int = 0  # documents they are in
    partial: bool = False  # nothing holds enough of the words: these are the best partial matches
    required: int = 0  # how many of the words a section must hold (plain queries)
    counted: int = 0  # of how many: the words that count towards it (not single characters, held somewhere)
    by_doc: list[DocGroup] | None = None


def required_words(n: int) -> int:
    """How many of a plain query's ``n`` content words a section must hold to count as a match.

    One or two words: all of them (two words typed together are one request). Three or four: all
    but one, so one word the text says differently (标准 for 标准是, 期限 for 校验期) does not
    lose the answer. Five or more: three fifths. Single characters never count.
    """
    if n <= 2:
        return n
    if n <= 4:
        return n - 1
    return math.ceil(n * 0.6)


def search(index_dir, query: str, *, limit: int = 10, doc: str | None = None, doc_type: str | None = None,
           years: tuple[int, int] | None = None, sort: str = "score", scope: str = "all",
           snippet_width: int = 80, by_doc: bool = False, issuer: str | None = None,
           in_force: str | None = None) -> SearchResult:
    from . import index
    from .search_session import session

    if scope not in SCOPES:
        raise QueryError(f"unknown scope {scope!r}: use one of {', '.join(SCOPES)}")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if limit < 1:
        raise QueryOptionError("limit", "{option} must be at least 1")
    snap = Store(index_dir).snapshot()
    if doc_type is not None:
        # From the manifest: checking a filter must not read every document's JSON.
        known = sorted({e.get("doc_type") for e in snap.manifest.values()} - {None})
        if doc_type not in known:
            raise QueryError(f"no document of type {doc_type!r}; the index has: {', '.join(known) or 'none'}")
    ses = session(snap)
    if ses is None:
        raise IndexMissingError(index_dir, what="search index")
    # The text holds half-width digits and letters (clean.fold_width), so the query must too.
    normalized = to_simplified(fold_width(query.strip()))
    doc_ids = [snap.resolve(doc)] if doc else None
    if in_force is not None:  # ISO date: only documents in force on it, from the manifest (kb.validity)
        from .validity import in_force_ids

        live = in_force_ids(snap, in_force)
        doc_ids = [d for d in (doc_ids or live) if d in live]
        if not doc_ids:
            return SearchResult(query=query, normalized=normalized, hits=[])
    if issuer is not None:  # no issuer field in the Whoosh index: the manifest names the documents
        from .filters import DocFilter, select

        chosen = select(snap, DocFilter(doc=doc, issuer=issuer))
        doc_ids = [d for d in chosen if doc_ids is None or d in doc_ids]  # and in force, when asked
        if not doc_ids:
            return SearchResult(query=query, normalized=normalized, hits=[])
    filter_q = index.filter_query(doc_ids, doc_type, years)
    # The title scope searches headings, and a document's number is in none (it is the document's
    # context): there it is words, as before.
    number = normalise_doc_number(normalized) if normalized and len(normalized) <= 30 and scope != "title" else None
    if number is not None:
        result = _doc_number(ses, query, normalized, number, scope, filter_q, limit, sort, snippet_width, by_doc)
        if result.hits:
            return result
        if filter_q is not None and _doc_number(ses, query, normalized, number, scope, None, 1, sort,
                                                snippet_width, False).hits:
            return result  # held, but only by documents the filters leave out: nothing matches
        # No section holds the number: its pieces (东府 · 办 · 2014 · 37) are the best partial matches,
        # and never more than that.
        loose = _best_match(index_dir, ses, query, normalized, scope, filter_q, limit, sort, snippet_width, by_doc)
        if loose is None:
            return result
        loose.partial, loose.unmatched = bool(loose.hits), [number]
        for h in loose.hits:
            h.partial = True
        return loose
    if normalized and index.is_plain(normalized):
        result = _best_match(index_dir, ses, query, normalized, scope, filter_q, limit, sort, snippet_width, by_doc)
        if result is not None:
            return result
    result = _boolean(ses, query, normalized, scope, filter_q, limit, sort, snippet_width, by_doc)
    if not result.hits:
        # Nothing matches the query exactly: rather than a bare "no match", the best partial
        # matches of its words, labelled as such (the operators are not applied to them).
        words = index.plain_words(normalized)
        if words.strip() and index.is_plain(words):
            loose = _best_match(index_dir, ses, query, normalized, scope, filter_q, limit, sort, snippet_width,
                                by_doc, text=words)
            if loose is not None and loose.hits:
                loose.mode, loose.partial = "boolean", True
                for h in loose.hits:
                    h.partial = True
                return loose
    return result


def _doc_number(ses, query, normalized, number, scope, filter_q, limit, sort, width, by_doc) -> SearchResult:
    """A query that is a 发文字号 (东府办〔2014〕37号) asks for that string: the document's own header
    and the sections citing it, in any of the brackets a page prints the year in. As plain words it
    was 东府 · 办 · 2014 · 37 · 号, held by any section with the figures 2014 and 37."""
    phrases = " OR ".join(f'"{form}"' for form in year_bracket_forms(number))
    result = _boolean(ses, query, phrases, scope, filter_q, limit, sort, width, by_doc)
    result.normalized = normalized
    return result


def _shown(query: str) -> str:
    return repr(query) if len(query) <= 60 else repr(query[:40]) + f"… ({len(query)} characters)"


def _boolean(ses, query, normalized, scope, filter_q, limit, sort, width, by_doc) -> SearchResult:
    """Typed syntax (AND OR NOT, "phrases", title:, prefix*): exactly what it says."""
    from . import index

    try:  # compiling refuses too ("NOT a NOT b" is only NOT once the ORs are read)
        tree = index.parse(normalized)
        q, marks = index.compile_query(tree, ses.cutter, ses.vocab.get("expand", {}), scope,
                                       texts=lambda _searcher: ses.normalized_texts())
    except index.QuerySyntaxError as e:
        raise QueryError(f"cannot parse query {_shown(query)}: {e}") from None
    with ses.lock:
        allowed = index.docset(ses.searcher, q, index.docset(ses.searcher, filter_q) if filter_q else None)
        rows = index.run(ses.searcher, q, limit=None if by_doc else limit, filter_q=filter_q, sort=sort)
        by_docnum = ses.doc_ids_of(allowed) if by_doc else {}
        documents = ses.documents_of(allowed)
    hits = [_hit(ses, score, f, marks, width) for score, f in rows]
    groups = _groups(hits, by_docnum) if by_doc else None
    return SearchResult(query=query, normalized=normalized, hits=hits[:limit], mode="boolean",
                        total=len(allowed), documents=documents, by_doc=groups)


def _best_match(index_dir, ses, query, normalized, scope, filter_q, limit, sort, width, by_doc, text=None):
    """Plain words: every section holding enough of the concepts, ranked by how well it holds them.

    Candidates are the sections holding at least ``required_words`` of the query's content
    words (or, when none does, any of them: labelled partial). Whoosh scores them by BM25F over
    heading, body and context; the score is then scaled by the share of the query's (idf-weighted)
    words the section holds, and the best few are re-ranked on the section text: the words as one
    run, as typed, or close together, count extra.
    """
    from . import index, synonyms
    from .query_analysis import analyse

    table = synonyms.table(Path(index_dir))
    cutter = ses.plain_cutter(table)
    an = analyse(text or normalized, cutter, table, ses.vocab.get("expand", {}))
    if not an.concepts:
        return None  # only question words: let the typed-syntax path say what it can
    if len(an.concepts) > index.MAX_WORDS:
        raise QueryError(f"cannot parse query {_shown(query)}: too long: more than {index.MAX_WORDS} words; search for a shorter passage")
    texts = lambda _searcher: ses.normalized_texts()  # noqa: E731
    # Matched against the index's own words (ses.cutter), so a word it lacks is taken apart into those it has.
    clauses = [index.concept_query(c.all_names(), ses.cutter, scope, texts) for c in an.concepts]
    with ses.lock:
        s = ses.searcher
        memo: dict = {}  # term → its documents, shared by every set below
        restrict = index.docset(s, filter_q, cache=memo) if filter_q is not None else None
        sets = [_in_fields(s, q, None, memo) & restrict if restrict is not None else _in_fields(s, q, None, memo)
                for q in clauses]
        # A concept the index holds only in part (服务外包 nowhere, 服务 in 志愿服务) matches by that
        # part, to rank: a section holding it so is a partial match, and the word is named as one no
        # section holds. The name as written is looked up only where a part was or-ed in.
        strict = [index.concept_query(c.all_names(), ses.cutter, scope, texts, loose=False) for c in an.concepts]
        exact = [st if sq == q else (_in_fields(s, sq, None, memo) & st if sq is not None else set())
                 for st, q, sq in zip(sets, clauses, strict)]
        everywhere = [bool(ex) or (restrict is not None and bool(index.docset(s, sq, cache=memo))) if sq is not None else False
                      for ex, sq in zip(exact, strict)]
        n_all = max(1, s.doc_count())
        # A word no section holds cannot be asked of any: it is named, not required.
        strong = [i for i, c in enumerate(an.concepts) if not c.weak and sets[i]]
        weight = {i: math.log(1 + n_all / (len(sets[i]) + 0.5)) for i in range(len(clauses))}
        total_w = sum(weight[i] for i in strong) or 1.0
        need = required_words(len(strong))
        full, some = _holding(need, [sets[i] for i in strong])
        partial = not full
        allowed = full or (some if strong else set().union(*sets))
        # Past SCORE_CONTEXT_UP_TO candidates, scored on the section's own heading and text only:
        # the context (document title, parents' headings) is already in the coverage, and scoring
        # its postings, which every section of a document shares, was most of a broad query's
        # time on a large index (0.54 → 0.22 s at ×100); below it, the context still ranks.
        if len(allowed) <= SCORE_CONTEXT_UP_TO or scope != "all":
            live = [q for q in clauses if q is not None]
        else:
            # Nor are the words half the index holds scored there (服务外包, 发展 in every replica of a
            # document titled with them): their idf is near nothing, but their postings were most
            # of the time of a query whose every word is in a replicated title (0.48 s at ×100).
            rare = [i for i, st in enumerate(sets) if len(st) < n_all * COMMON_SHARE] or \
                [min(range(len(sets)), key=lambda i: len(sets[i]))]
            live = [q for q in (index.concept_query(an.concepts[i].all_names(), ses.cutter, "own", texts) for i in rare)
                    if q is not None]
        head = index.heading_query(an.text.replace(" ", ""), scope)
        if head is not None:
            live.append(head)
        if not live or not allowed:
            rows = []
        else:
            scorer = index.any_of(live)
            depth = None if (by_doc or sort == "date") else max(limit * 3, 30)
            # When every section any word matches is allowed, the set adds nothing but a lookup per
            # posting: let the collector skip blocks on its own (the user's filters still apply).
            every = _union(sets) if sets else set()
            rows = index.scored(s, scorer, allowed if allowed is not every and allowed != every else None, depth, filter_q)
            if FILL_PARTIAL and not partial and depth is not None and len(full) < limit:
                # Fewer sections hold enough of the words than are asked for: the best of those that
                # hold some of them follow, labelled partial (法定结婚年龄男女各多少岁: the article on
                # 结婚年龄 holds the rarest word, not two of the three).
                rest = some - full
                if rest:
                    rows += index.scored(s, scorer, rest, depth, filter_q)
        by_docnum = ses.doc_ids_of(allowed) if by_doc else {}
        documents = ses.documents_of(allowed)
        held = {d: [i for i, st in enumerate(sets) if d in st] for d, _, _ in rows}  # which words each holds
        # Where in the section each concept is: its own heading and text, or (a document's top
        # section, headed by the document's title, whose heading is the document's evidence) its
        # text alone. Read off the one query per concept, its terms' field by field, for the
        # ranked sections only (every section's sets of a common word were a fifth of its search).
        shown = {d for d, _, _ in rows}
        own = sets if scope != "all" else [_in_fields_of(s, q, OWN_FIELDS, memo, shown & st) for q, st in zip(clauses, sets)]
        if scope in ("all", "body"):
            body = [_in_fields_of(s, q, BODY_FIELDS, memo, shown & st) for q, st in zip(clauses, sets)]
        else:  # the title scope's query has no body fields to read
            body = [index.docset(s, index.concept_query(c.all_names(), ses.cutter, "body", texts), restrict, memo) & st
                    for c, st in zip(an.concepts, sets)]
    # A word found only in the parents' headings (context) is weaker evidence that this section
    # answers than one in its own heading or text; one in the document's title is not (DOC_TITLE).
    roots = {d for d, _, f in rows if len(f.get("heading_path") or ()) <= 1}
    names = {i: [n for n in c.all_names()] for i, c in enumerate(an.concepts)}
    titles = {d: (f.get("doc_title") or "").replace(" ", "").lower() for d, _, f in rows}
    named = _named_documents(normalized, titles.values())

    def held_as(d, i):
        if d in (body[i] if d in roots else own[i]):
            return 1.0
        if any(n in titles[d] for n in names[i]):
            return DOC_TITLE
        return CONTEXT_ONLY
    # A word of the document's title is held by every section of it, even where the index's words
    # hide it (自评 inside the one dictionary word 企业自评人才入户 of a context field).
    coverage = {d: sum(weight[i] * held_as(d, i) for i in strong
                       if i in held.get(d, ()) or any(n in titles[d] for n in names[i])) / total_w for d, _, _ in rows}

    def focus(d):
        """The share of the words the document's title does not hold that the section holds itself.

        A query that names its document (企业自评入户, 惠州, 粤府68号) and asks one thing of it (超生,
        有效期, 施行): the title's words are in every section of it, and sections whose headings
        repeat them outscore the one holding the thing asked for. Asked of every section alike (a
        document whose title holds none of the words is judged on all of them), so that naming a
        document never makes its sections weaker than another document's.
        """
        rest = [i for i in strong if not any(n in titles[d] for n in names[i])]
        if not rest:
            return 1.0
        got = sum(weight[i] for i in rest if d in (body[i] if d in roots else own[i]))
        return FOCUS_FLOOR + (1 - FOCUS_FLOOR) * got / sum(weight[i] for i in rest)
    run = "".join(c.word for c in an.concepts if not c.weak)
    defines = _definition_pattern([n for i in strong for n in names[i]]) if an.asks_definition else None
    asked_of_named = {d for d, _, _ in rows if titles[d] in named and focus(d) > FOCUS_FLOOR}
    ranked = []
    for d, score, f in rows:
        text = ses.section_text(f["doc_id"], f["section_id"])
        flat = (f.get("title", "") + text).replace(" ", "").replace("\n", "").lower()
        bonus = 1.0
        if len(an.strong) > 1 and run and run in flat:
            bonus = 1.5  # the words as typed, one run: 社会抚养费征收标准
        elif len(an.strong) > 1 and _close(flat, [names[i] for i in held.get(d, ()) if i in strong]):
            bonus = 1.2
        if defines is not None and defines.search(flat):
            bonus *= 2.0  # 是什么 asked, and this section says what it is
        where = [flat, titles[d], "".join(f.get("heading_path") or ()).replace(" ", "").lower()]
        if any(_only_negated(names[i], where) for i in strong if i in held.get(d, ()) or any(n in titles[d] for n in names[i])):
            bonus *= NEGATED  # 京籍 asked, and this section (its document: …非本市户籍…) holds only its opposite
        if an.asks_figure and _FIGURE.search(text):
            bonus *= 1.15  # 多少 asked, and this section states a quantity
        if an.asks_time and _DATE_TEXT.search(text):
            # 什么时候 asked, and this section states a date (2021年9月1日, 自发布之日起): a date is the
            # figure a question of when wants, above any other quantity (×1.15 on top of the figure's;
            # in place of it, the two held-out queries it moved up went back down)
            bonus *= 1.15
        if an.asks_agency and _AGENCY.search(flat):
            bonus *= AGENCY  # 哪个部门 asked, and this section says which body does it
        if _is_contents(text):
            bonus *= CONTENTS  # a table of contents holds every heading's words and answers none of them
        final = score * (0.2 + 0.8 * coverage[d] ** 2) * bonus * focus(d)
        ranked.append((final, d, f, [an.concepts[i].word for i in sorted(held.get(d, ())) if d in exact[i]]))
    # Those holding enough first and, of them, the named document's sections that hold something
    # asked besides its name (数据安全法施行日期: another law's 施行日期 article is not what was
    # asked; 劳动法加班工资 where 劳动法 never says 加班: its sections holding nothing are no answer).
    ranked.sort(key=lambda r: (r[1] not in full, bool(named) and r[1] not in asked_of_named, -r[0], r[1]))
    if sort == "date":
        ranked.sort(key=lambda r: (r[2].get("date") or "", r[0]), reverse=True)
    marks = sorted({n for i in range(len(an.concepts)) for n in names[i] if len(n) > 1 or len(an.concepts) == 1}
                   | ({run} if len(run) > 1 else set()), key=len, reverse=True)
    unmatched = [c.word for c, seen in zip(an.concepts, everywhere) if not seen and not c.weak]
    if by_doc:  # the best section of each document, in rank order
        seen: set[str] = set()
        ranked = [r for r in ranked if not (r[2]["doc_id"] in seen or seen.add(r[2]["doc_id"]))]
    else:
        ranked = ranked[:limit]  # a snippet costs: only for what is shown
    hits = []
    for final, d, f, matched in ranked:
        h = _hit(ses, final, f, marks, width)
        h.matched = matched
        h.partial = partial or any(an.concepts[i].word not in matched for i in strong) or bool(unmatched)
        hits.append(h)
    groups = _groups(hits, by_docnum) if by_doc else None
    return SearchResult(
        query=query, normalized=normalized, hits=hits[:limit], mode="best", words=an.words,
        expanded=an.expanded, dropped=list(an.dropped),
        unmatched=unmatched,
        total=len(allowed), documents=documents, partial=partial and bool(allowed),
        required=need, counted=len(strong), by_doc=groups,
    )


CONTEXT_ONLY = 0.35
# A query that names a document by its title, or by the short name people use (数据安全法 for
# 中华人民共和国数据安全法, 北京市居住证管理办法 without its （草案送审稿）), asks about that document:
# its sections come before another document's (of those holding enough of the words).
_TITLE_QUALIFIER = re.compile(r"[（(][^（）()]*[)）]$")
_NATIONAL = "中华人民共和国"


def _named_documents(query: str, titles) -> set[str]:
    """The titles (as in ``titles``) of the documents ``query`` names: their whole title, or the
    title without 中华人民共和国 and a closing bracketed qualifier, typed in it. A short name of
    two characters counts for a national law only (宪法); anything shorter names nothing. A name
    inside a longer one named too is not named (劳动合同法 names 劳动合同法, not 合同法), nor a 法
    that goes on into another word (劳动法律法规 names no 劳动法)."""
    q = re.sub(r"\s+", "", query).lower()
    spans = []
    for t in set(titles):
        short = t
        while _TITLE_QUALIFIER.search(short):
            short = _TITLE_QUALIFIER.sub("", short)
        national = short.startswith(_NATIONAL)
        short = short.removeprefix(_NATIONAL)
        if not (len(short) >= 3 or (national and len(short) == 2)):
            continue
        for name in {t, short}:
            for m in re.finditer(re.escape(name), q):
                if name.endswith("法") and q[m.end():m.end() + 1] in _LAW_GOES_ON:
                    continue
                spans.append((m.start(), m.end(), t))
    return {t for s, e, t in spans if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in spans)}


# 法 followed by one of these is another word (法律, 法规, 法学, 法定, 法人, 法理, 法治, 法院, 法官), not a law's name.
_LAW_GOES_ON = set("律规学定人理治院官")


# A word of the document's title names which document is meant (2015年积分入学, 深圳教育局, 东莞):
# every section of that document holds it, as fully as its own words. Only the parents' headings
# stay weaker evidence. Natural 0.939/0.802 → 0.939/0.819, held-out 0.916/0.811 → 0.937/0.812.
DOC_TITLE = 1.0
# Fewer sections than asked for hold enough of the words: the rest of the page is the best partial
# matches, after them and labelled (natural 0.939/0.819 → 0.949/0.822, held-out 0.937/0.812 → 0.947/0.815).
FILL_PARTIAL = True
# A section holding none of the words its document's title lacks keeps this share of its score (see
# focus() in _best_match): natural 0.953/0.827 → 0.953/0.838, held-out 0.947/0.820 → 0.947/0.823;
# with the title-word coverage below it, the fresh set (no post-hoc synonyms) 0.912/0.816 → 0.930/0.832.
# A lower floor (0.3) gained the fresh set more and lost natural ranks.
FOCUS_FLOOR = 0.5
OWN_FIELDS = frozenset({"heading", "body", "body_bi"})  # the section's own heading and text (index.WORD_FIELDS["own"])
BODY_FIELDS = frozenset({"body", "body_bi"})


def _holding(need: int, sets: list) -> tuple[set[int], set[int]]:
    """(the documents in at least ``need`` of ``sets``, those in any of them), by set operations:
    a dict of each document's words cost a Python step per posting of every word (×1000: 0.1 s)."""
    if not sets:
        return set(), set()
    some = _union(sets)
    if need <= 1:
        return some, some
    if need >= len(sets):
        first, *rest = sorted(sets, key=len)
        return set(first).intersection(*rest), some
    counts = Counter(chain.from_iterable(sets))
    return {d for d, n in counts.items() if n >= need}, some


def _union(sets: list):
    """The documents in any of ``sets`` (never changed by the caller): the one set itself when
    there is one, so a word's kept set (_KEPT_SETS) is not copied (×1000: 40 000 sections, twice a
    search) and stays the object session.documents_of has counted before."""
    return sets[0] if len(sets) == 1 else set().union(*sets)


def _in_fields_of(searcher, q, fields, memo, docs) -> set[int]:
    """Those of ``docs`` that _in_fields(searcher, q, fields, memo) holds, without making its sets."""
    from . import index

    wq = index.wq
    if q is None or not docs:
        return set()
    if isinstance(q, wq.Term):
        if fields is not None and q.fieldname not in fields:
            return set()
        known = memo.get((q.fieldname, q.text))
        return set(docs) & known if known is not None else index.term_holders(searcher, q.fieldname, q.text, docs)
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for sub in q.subqueries:
            out |= _in_fields_of(searcher, sub, fields, memo, docs - out)
        return out
    if isinstance(q, wq.And):
        out = set(docs)
        for sub in q.subqueries:
            out = _in_fields_of(searcher, sub, fields, memo, out)
            if not out:
                break
        return out
    return _in_fields(searcher, q, fields, memo) & docs


def _in_fields(searcher, q, fields, memo) -> set[int]:
    """The documents ``q`` matches counting only its terms in ``fields`` (None: all of them): what
    the same concept's query built for those fields alone (index.concept_query with scope "own" or
    "body") matches. Terms' sets come from ``memo`` as in index.docset; a substring, checked
    against the section texts, is looked for once a search, not once a scope."""
    from . import index, whoosh_compat

    wq = index.wq
    if q is None:
        return set()
    if isinstance(q, (wq.Term, index.Substring)):
        if fields is not None and q.fieldname not in fields:
            return set()
        if isinstance(q, wq.Term):
            return index.docset(searcher, q, cache=memo)
        key = ("~", q.fieldname, q.text, q.words)  # a substring is checked against the texts: once a search
        if key not in memo:
            memo[key] = q.docs(searcher, memo)
        return memo[key]
    if isinstance(q, (wq.Or, wq.And)):
        kept = _KEPT_SETS.get(searcher)
        if kept is None:
            kept = _KEPT_SETS.setdefault(searcher, {})
        key = (q, fields)
        found = kept.get(key)
        if found is None and isinstance(q, wq.Or) and searcher.doc_count_all() >= index.KEEP_SET_FROM \
                and _everywhere(searcher, q, fields):
            found = _every_section(searcher)  # no need to read any of its words' postings
        if found is None:
            subs = [_in_fields(searcher, sub, fields, memo) for sub in q.subqueries]
            if isinstance(q, wq.Or):
                widest = max(subs, key=len, default=frozenset())
                # A part in every section (context:服务外包 of a corpus on one subject) is the union.
                found = frozenset(widest) if len(widest) >= searcher.doc_count_all() else frozenset().union(*subs)
            else:
                subs.sort(key=len)
                found = frozenset(subs[0].intersection(*subs[1:])) if subs else frozenset()
            if len(found) >= index.KEEP_SET_FROM:
                whoosh_compat.keep(kept, key, found, index.KEEP_SETS_UP_TO)
        return found
    return index.docset(searcher, q, cache=memo)


def _everywhere(searcher, q, fields) -> bool:
    """An Or with a term (among its Ors) in every section: 服务外包 in the context of a corpus on it."""
    from . import index

    wq = index.wq
    if isinstance(q, wq.Term):
        return (fields is None or q.fieldname in fields) and index.in_every_section(searcher, q.fieldname, q.text)
    return isinstance(q, wq.Or) and any(_everywhere(searcher, sub, fields) for sub in q.subqueries)


def _every_section(searcher) -> frozenset:
    kept = _KEPT_SETS.setdefault(searcher, {})
    every = kept.get("every")
    if every is None:
        every = kept["every"] = frozenset(range(searcher.doc_count_all()))
    return every


# searcher → {(a concept's Or or And, fields): the documents it matches}: a word's sections unioned over
# its fields and names once for as long as the searcher lives (a generation never changes), not on
# every search of it (服务外包 at ×1000: ~10 unions and intersections of 40 000-section sets).
_KEPT_SETS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
SCORE_CONTEXT_UP_TO = 2000
# A section that holds a word asked for only inside its negation (本市户籍 in 非本市户籍, 满 in 未满)
# keeps this share of its score: the 非京籍 manual answered 京籍 questions before the 京籍 one.
NEGATED = 0.5
_NEGATION = "非不未无"


def _only_negated(names, texts) -> bool:
    """Each name of the concept that ``texts`` hold is there only right after a negation (非本市户籍 for
    本市户籍). A name that is itself a negation (非京籍, 不满) is what was asked: never negated."""
    seen = False
    for name in names:
        if not name or name[0] in _NEGATION:
            return False
        for t in texts:
            start = t.find(name)
            while start != -1:
                if start == 0 or t[start - 1] not in _NEGATION:
                    return False
                seen = True
                start = t.find(name, start + 1)
    return seen
# A section that is a table of contents (a manual's 目录 kept as its cover section's text) keeps this
# share of its score: it names every step of the manual, so it outranked the step asked about
# (fresh2: 京籍孩子注册小学入学系统密码要几位, the 非京籍 manual's contents first).
CONTENTS = 0.3


def _is_contents(text: str) -> bool:
    """Most of the section's lines are contents entries: a heading, leader dots, a page number;
    or, under a 目录 line, headings alone (a law's contents print no page numbers: 第一章总纲,
    第一节全国人民代表大会, 序言 — the part a law's title heads holds them and nothing else)."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if len(lines) < 3:
        return False
    if sum(1 for ln in lines if TOC_LINE.search(ln)) * 2 > len(lines):
        return True
    if not any(_CONTENTS_LABEL.match(ln) for ln in lines):
        return False
    return sum(1 for ln in lines if TOC_LINE.search(ln) or _HEADING_ENTRY.match(ln)) * 2 > len(lines)


_CONTENTS_LABEL = re.compile(r"^目\s*[录次]$")
_HEADING_ENTRY = re.compile(rf"^(?:第[{CN_DIGITS}\d]+\s*(?:分\s*)?[编章节]|序\s*言|前\s*言|附\s*则)[^。；;，,：:]{{0,40}}$")
COMMON_SHARE = 0.5  # past SCORE_CONTEXT_UP_TO candidates, words held by this share of all sections are not scored
# A body named as doing something: 由市教育局负责解释, 新莞人服务管理部门负责受理, 承办机构 …执法监督处.
_AGENCY = re.compile(r"(?:局|委员会|委|处|科|部门|机关|机构|中心|办公室|派出所|政府)(?:负责|承办|受理|审核|审批|解释|办理|主管)|承办机构|负责解释|负责受理")
AGENCY = 1.3
# A question of when (query_analysis.TIME_CUES) is answered by a date or a starting day (…之日起).
_DATE_TEXT = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
                        r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]|日起")
_FIGURE = re.compile(r"[0-9０-９一二三四五六七八九十百千万两半]+\s*(?:%|％|元|万元|岁|周岁|年|个月|月|日|天|小时|分钟|次|倍|人|名|分|条|平方米|公里|厘米|米|公斤|千克|秒)")


def _definition_pattern(names: list[str]):
    """Sentences that define one of ``names``: 所称X，是指…; X，是指…; X是指…; X指…; …的为X."""
    alts = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n)
    if not alts:
        return None
    return re.compile(f"(?:所称|本法|本条例|本办法)?(?:{alts})[）)”\"]?[，,：:]?(?:是指|系指|指|是|包括|即)|的为(?:{alts})|(?:{alts})[（(]以下简称|简称[“\"]?(?:{alts})")


def _close(flat: str, name_lists: list[list[str]]) -> bool:
    """The words held occur within a short window of the text (about twice their own length)."""
    if len(name_lists) < 2:
        return False
    spots = []
    for names in name_lists:
        pos = [(flat.find(n), len(n)) for n in names if n in flat]
        if not pos:
            return False
        spots.append(min(pos))
    start = min(p for p, _ in spots)
    end = max(p + n for p, n in spots)
    return end - start <= 2 * sum(n for _, n in spots) + 6


def _hit(ses, score, f, marks, width) -> Hit:
    text = ses.section_text(f["doc_id"], f["section_id"])
    snip, spans = snippet(text or f["title"], marks, width)
    return Hit(
        doc_id=f["doc_id"], doc_title=f["doc_title"], doc_number=f.get("doc_number"),
        doc_type=f.get("doc_type") or None, date=f.get("date") or None, section_id=f["section_id"],
        title=f["title"], heading_path=list(f["heading_path"]), pages=tuple(f["pages"]),
        score=round(score, 3), snippet=snip, highlights=spans,
        ocr=bool(ocr_pages_in(ses.snap.manifest.get(f["doc_id"], {}).get("ocr_pages", ()), tuple(f["pages"]))),
    )


def _groups(hits: list[Hit], by_docnum: dict[int, str]) -> list[DocGroup]:
    """One entry per document, in the order of its best hit."""
    counts: dict[str, int] = {}
    for doc_id in by_docnum.values():
        counts[doc_id] = counts.get(doc_id, 0) + 1
    out: dict[str, DocGroup] = {}
    for h in hits:
        if h.doc_id not in out:
            out[h.doc_id] = DocGroup(h.doc_id, h.doc_title, h.doc_number, h.date, counts.get(h.doc_id, 1), h)
    return list(out.values())


def find_marks(text: str, marks: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) of the highlight strings in ``text``, longest first, case-insensitive."""
    low = text.lower()
    taken = [False] * len(text)
    spans = []
    for m in sorted({m for m in marks if m}, key=len, reverse=True):
        start = low.find(m)
        while start != -1:
            end = start + len(m)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(m, start + 1)
    return sorted(spans)


def snippet(text: str, marks: list[str], width: int = 80) -> tuple[str, list[tuple[int, int]]]:
    """A window of about ``width`` characters where the most distinct marks meet, and their spans in it."""
    flat = re.sub(r"\s*\n\s*", " ", text).strip()
    spans = find_marks(flat, marks)
    if len(flat) <= width:
        return flat, spans
    best, best_key = 0, (-1, 0)
    for s, _ in spans:
        start = max(0, s - width // 4)
        inside = {flat[a:b].lower() for a, b in spans if a >= start and b <= start + width}
        key = (len(inside), -start)
        if key > best_key:
            best, best_key = start, key
    start = min(best, max(0, len(flat) - width))
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return prefix + flat[start:end] + suffix, inside
