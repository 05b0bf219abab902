"""The `kb` command: parse arguments → call one kb function → print.

Heavy imports (pdfplumber, jieba, Whoosh) happen inside the library functions a command
calls, so `kb --help` and `kb glossary` stay fast.

Exit status, as ripgrep's: 0 an answer, 1 nothing matched (a "no match" line goes to stderr, so
stdout stays valid for --json), 2 an error (usage, a refused file, an index that is missing,
damaged or busy, an ambiguous reference), 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import functools
import json
from dataclasses import replace
import os
import re
import sys

import click

from kb.errors import (AmbiguousRefError, IndexDamagedError, IndexMissingError, KbError, NotFoundError, OptionError,
                       OutputExistsError)

NO_MATCH, ERROR, INTERRUPTED = 1, 2, 130


def _dump(data) -> str:
    # A file name that is not UTF-8 reaches us as lone surrogates (os.fsdecode): shown as \xNN,
    # the way kb.errors.shown writes it, so stdout stays valid UTF-8 JSON.
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _SURROGATE.sub(lambda m: f"\\\\x{ord(m.group()) - 0xDC00:02x}", text)  # JSON text: an escaped backslash


_SURROGATE = re.compile("[\udc80-\udcff]")


def _colour() -> bool:
    """Colour only for a person at a terminal; piped or with NO_COLOR (no-color.org), 【brackets】."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _no_match(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(NO_MATCH)


class KbHelpFormatter(click.HelpFormatter):
    """Help wrapped by display width: a Chinese character takes two columns (kb.textwidth)."""

    def write_text(self, text: str) -> None:
        from kb.textwidth import wrap

        indent = " " * self.current_indent
        for i, par in enumerate(text.split("\n\n")):
            if i:
                self.write("\n")
            lines = par.splitlines()
            if lines and lines[0].strip() == "\b":  # click's mark: keep this block as written
                self.write("".join(f"{indent}{line}\n" for line in lines[1:]))
                continue
            self.write("".join(f"{indent}{line}\n" for line in wrap(par, max(self.width - self.current_indent, 20))))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        from kb.textwidth import width, wrap

        rows = list(rows)
        first_col = min(max((width(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class KbContext(click.Context):
    formatter_class = KbHelpFormatter


class KbCommand(click.Command):
    context_class = KbContext


class KbGroup(click.Group):
    context_class = KbContext
    command_class = KbCommand

    def invoke(self, ctx):
        # click turns Ctrl-C into "Aborted!" and exit 1; a shell expects 128 + SIGINT.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(INTERRUPTED)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


def json_option(fn):
    """--json on every command that prints results: one JSON document on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (the README documents each record).")(fn)


# Where to look when a thing named is not there (NotFoundError.what); {ref}: what was named.
LOOK = {
    "document": "`kb docs` lists them",
    "section": "`kb outline DOC` lists the sections",
    "sentence": "`kb keyword` finds words, `kb search` topics",
    "file": "`kb docs --format tsv` lists the paths",
    "pdf": "`kb remove {ref}` takes it out of the index",
}
FLAGS = {"fmt": "--format"}  # a library keyword whose flag is not --KEYWORD
REPAIR = "`kb ingest` repairs it (what is damaged is rebuilt from the PDFs and the stored documents)"


def advised(e: KbError) -> str:
    """The library's message, and what to run about it: the library states facts, the CLI knows its commands."""
    if isinstance(e, OptionError):
        return e.text(FLAGS.get(e.option, f"--{e.option}"))
    if isinstance(e, NotFoundError) and e.what in LOOK:
        return f"{e}; {LOOK[e.what].format(ref=e.ref)}"
    if isinstance(e, IndexMissingError):
        return f"{e}: run `kb ingest` first" if e.what == "index" else f"{e}: run `kb ingest`"
    if isinstance(e, IndexDamagedError) and e.path is not None:
        return f"{e}; run `kb ingest` to {'rebuild' if e.kind == 'stored' else 'repair'} it"
    if isinstance(e, OutputExistsError):
        return f"{e}; add --force to overwrite it"
    return str(e)


def kb_errors(fn):
    """Translate library errors to a one-line message and an exit status (see the module doc)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AmbiguousRefError as e:
            lines = [f"Error: {e}"] + [f"  {c}" for c in e.candidates]
            click.echo("\n".join(lines), err=True)
            sys.exit(ERROR)
        except IndexMissingError as e:
            home = click.get_current_context().obj["home"]
            where = "" if home.source == "--index option" else f"; {home.looked_for}"
            click.echo(f"Error: {advised(e)}{where}", err=True)
            sys.exit(ERROR)
        except NotFoundError as e:  # the document, section or term named is not there: no match
            if kwargs.get("as_json"):  # stdout stays valid JSON: the empty answer
                click.echo("[]" if fn.__name__ == "glossary" else "null")
            click.echo(f"Error: {advised(e)}", err=True)
            sys.exit(NO_MATCH)
        except KbError as e:
            click.echo(f"Error: {advised(e)}", err=True)
            sys.exit(ERROR)
        except OSError as e:  # an unwritable -o FILE or --index DIR, a disk that is full …
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"Error: {where}{e.strerror or e}", err=True)
            sys.exit(ERROR)

    return wrapper


def _index(ctx) -> str:
    return ctx.obj["home"].index


def _complete_docs(ctx, param, incomplete):
    """Document ids for shell completion, read from the live manifest (no document is loaded)."""
    from kb.home import locate
    from kb.store import Store

    root = ctx.find_root()
    index = (root.params or {}).get("index_dir") or os.environ.get("KB_INDEX")
    try:
        ids = Store(locate(index).index).snapshot().doc_ids
    except Exception:  # completion must never print a traceback into the user's prompt
        return []
    return [click.shell_completion.CompletionItem(d) for d in ids if incomplete in d]


def doc_option(fn):
    return click.option("--doc", help="Only this document (an id, a unique part of one, or its 发文字号).",
                        shell_complete=_complete_docs)(fn)


def filter_options(fn):
    """--type, --year and --issuer, with the same meaning on search, keyword and docs."""
    fn = click.option("--issuer", help="Only documents whose issuer contains this (e.g. 东莞市).")(fn)
    fn = click.option("--year", help="Only documents dated in YEAR or FROM-TO (e.g. 2011-2017).")(fn)
    fn = click.option("--type", "doc_type", help="Only documents of this type (规划, 通知 …; see `kb docs`).")(fn)
    return fn


@click.group(cls=KbGroup, context_settings=CONTEXT)
@click.version_option("0.1.0", prog_name="kb")
@click.option("--index", "index_dir", envvar="KB_INDEX", type=click.Path(file_okay=False),
              help="Where the built index lives (env KB_INDEX). Default: $KB_HOME/index, else "
                   "./index in a project folder, else the per-user data directory.")
@click.pass_context
def cli(ctx, index_dir):
    """policy-kb: search, glossary, keywords and section export for Chinese policy PDFs.

    Exit status: 0 found, 1 nothing matched, 2 error, 130 interrupted.

    \b
    Shell completion (commands, options, document ids), in ~/.bashrc:
      eval "$(_KB_COMPLETE=bash_source kb)"    (zsh_source, fish_source)
    """
    from kb.home import locate

    ctx.obj = {"home": locate(index_dir)}


def _size(value) -> int:
    """A memory size: 2G, 512M, 1.5GiB, or a number of MiB; 0 for no limit."""
    import re

    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", str(value).lower())
    if not m:
        raise click.BadParameter(f"{value!r}: give a size such as 2G, 512M or 0 (no limit)", param_hint="--max-memory")
    scale = {"": 1 << 20, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2)]
    return int(float(m.group(1)) * scale)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))
@click.option("--wait", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another ingest to finish.")
@click.option("--max-pages", default=2000, show_default=True, type=click.IntRange(min=1), help="Refuse files with more pages.")
@click.option("--max-seconds", default=None, type=click.FloatRange(min=0),
              help="Stop parsing a file after this many seconds (its worker is killed)  [default: 300; 3600 with --ocr]")
@click.option("--max-memory", default="2G", show_default=True,
              help="Stop parsing a file that needs more memory than this (2G, 512M; 0: no limit).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Files parsed at once, each in its own process  [default: one per core]")
@click.option("--rebuild", is_flag=True, help="Parse every PDF again and rebuild everything, reusing nothing.")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Leave out files whose name or path matches (repeatable; a folder's .kbignore adds more).")
@click.option("--ocr", "use_ocr", is_flag=True,
              help="OCR pages without a text layer (scans; needs pip install -e '.[ocr]'). Slow: seconds a page.")
@json_option
@kb_errors
@click.pass_context
def ingest(ctx, paths, wait, max_pages, max_seconds, max_memory, workers, rebuild, exclude, use_ocr, as_json):
    """Read PDFs (files or folders; default: corpus/) into the index.

    Only new and changed files are parsed; files gone from an ingested folder leave the index;
    a byte-identical copy of an indexed file is reported, not added; what is damaged in the
    index is rebuilt. Exit status 2 if any file was refused (each is named with its reason).

    \b
    Example:
      kb ingest ~/policies --exclude 'NEG_*'
    """
    from kb.errors import shown
    from kb.ingest import ingest as run
    from kb.present import ingest_record, ingest_text

    bar = None
    if not as_json and sys.stderr.isatty():
        bar = click.progressbar(length=1, label="ingest", file=sys.stderr, show_pos=True)

    def progress(path, i, total):
        if bar is None:
            return
        bar.length = max(total, 1)
        bar.label = shown(path)[-40:] if path else ("done" if i >= total else "ingest")
        bar.update(i - bar.pos)

    home = ctx.obj["home"]
    report = run(list(paths) or [home.corpus], home.index, on_progress=progress, wait=wait,
                 max_pages=max_pages, max_seconds=max_seconds, max_memory=_size(max_memory), workers=workers,
                 rebuild=rebuild, exclude=exclude, use_ocr=use_ocr)
    if bar is not None:
        bar.render_finish()
    click.echo(_dump(ingest_record(report)) if as_json else ingest_text(report))
    if not report.ok:
        sys.exit(ERROR)


@cli.command()
@json_option
@kb_errors
@click.pass_context
def verify(ctx, as_json):
    """Check the index against its checksums, changing nothing.

    Names every file that is damaged, missing or unexpected; exit status 1 if any is.
    `kb ingest` repairs what this reports (`kb ingest --rebuild` rebuilds everything).

    \b
    Example:
      kb verify --json
    """
    from kb.verify import verify as run

    result = run(_index(ctx))
    if as_json:
        click.echo(_dump(result.record()))
    else:
        click.echo(result.text() + ("" if result.ok else f"; {REPAIR}"))
    if not result.ok:
        sys.exit(1)


def _date(value: str | None, option: str) -> str | None:
    """--as-of / --in-force: YYYY-MM-DD (or 2016/5/1, 2016年5月1日); "today" for today."""
    if value is None:
        return None  # before the import: kb.validity pulls in the metadata rules (~20 ms a search)
    from kb.validity import parse_date, today

    if value == "today":
        return today()
    try:
        return parse_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from None


_DATE_CHARS = re.compile(r"[\d\s\-/.年月日]+")


def _query_after_in_force(query: tuple[str, ...], in_force: str | None) -> tuple[tuple[str, ...], str | None]:
    """``kb search --in-force 居住证 怎么办理``: the option's optional DATE took the query's first
    word. A value that is not written as a date (2015-02-30 is, and is refused as one) is that
    word, and --in-force means today."""
    if in_force not in (None, "today") and not _DATE_CHARS.fullmatch(in_force):
        query, in_force = (in_force, *query), "today"
    if not query:
        raise click.UsageError("Missing argument 'QUERY...'.")
    return query, in_force


def in_force_option(fn):
    return click.option("--in-force", "in_force", is_flag=False, flag_value="today", default=None, metavar="[DATE]",
                        help="Only documents in force on DATE (default today): not drafts, not expired, in effect.")(fn)


@cli.command()
@doc_option
@filter_options
@click.option("--sort", type=click.Choice(["id", "date", "title", "issuer"]), default="id", show_default=True,
              help="Order: document id, date (newest first), title or issuer.")
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "csv", "json"]), default="table",
              show_default=True, help="table for reading; tsv or csv for a spreadsheet; json.")
@click.option("--as-of", "as_of", metavar="DATE", help="Status as of DATE (YYYY-MM-DD; default today).")
@in_force_option
@json_option
@kb_errors
@click.pass_context
def docs(ctx, doc, doc_type, year, issuer, sort, fmt, as_of, in_force, as_json):
    """List the documents in the index with their metadata and status (in force, not yet in
    force, expired, draft) as of today or --as-of DATE.

    \b
    Example:
      kb docs --year 2014-2016 --issuer 东莞 --sort date --format tsv
    """
    from kb.listing import list_documents
    from kb.present import docs_csv, docs_json, docs_text

    as_of, in_force = _date(as_of, "--as-of"), _date(in_force, "--in-force")
    listing = list_documents(_index(ctx), doc=doc, doc_type=doc_type, years=_years(year), issuer=issuer, sort=sort,
                             in_force=in_force)
    when = as_of or in_force
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(_dump(docs_json(listing, when)))
    elif fmt in ("tsv", "csv"):
        click.echo(docs_csv(listing, "\t" if fmt == "tsv" else ","), nl=False)
    elif listing.documents:
        click.echo(docs_text(listing, when))
    if not listing.documents:
        _no_match(f"No documents match: {listing.total} in the index." if listing.total else
                  f"No documents in {_index(ctx)}. Run `kb ingest` first.")


@cli.command()
@click.argument("doc", shell_complete=_complete_docs)
@json_option
@kb_errors
@click.pass_context
def outline(ctx, doc, as_json):
    """Table of contents of DOC (an id, a unique part of one, or its 发文字号).

    \b
    Example:
      kb outline 东府〔2015〕111号
    """
    from kb.present import outline_record, outline_text
    from kb.refs import open_document

    document = open_document(_index(ctx), doc)
    click.echo(_dump(outline_record(document)) if as_json else outline_text(document))


@cli.command()
@click.argument("doc", required=False, shell_complete=_complete_docs)
@json_option
@kb_errors
@click.pass_context
def check(ctx, doc, as_json):
    """Documents (all, or DOC) whose text to distrust, and why.

    \b
    Example:
      kb check --json
    """
    from kb.quality import check as check_index, check_text

    records = check_index(_index(ctx), doc)
    click.echo(_dump(records) if as_json else check_text(records) if records else "No documents. Run `kb ingest` first.")


@cli.command()
@click.argument("term", required=False)
@click.option("--exact", is_flag=True, help="Only a name written exactly (any case or script), no partial or fuzzy match.")
@click.option("--fuzzy", is_flag=True, help="Rank every term by similarity to TERM.")
@click.option("--list", "as_list", is_flag=True, help="List every term instead of looking one up.")
@click.option("--by", type=click.Choice(["doc", "name"]), default="doc", show_default=True, help="Order of --list.")
@click.option("--uses", is_flag=True, help="Also show every section that uses the term, with counts.")
@click.option("--doc", "doc_ref", help="Only terms defined in this document (id, part of one, or 发文字号).",
              shell_complete=_complete_docs)
@click.option("--search", "search_words", metavar="WORDS",
              help="Full-text search inside definitions (which term is defined as WORDS?).")
@json_option
@kb_errors
@click.pass_context
def glossary(ctx, term, exact, fuzzy, as_list, by, uses, doc_ref, search_words, as_json):
    """Look up TERM: its definition, other names (简称, 又名, English, abbreviation) and source.

    Order: exact name → alias or abbreviation (any case) → traditional characters → prefix →
    contains → fuzzy → the words inside definitions (as --search). Exit status 1, with
    suggestions, when nothing matches.

    \b
    Example:
      kb glossary BPO --uses
    """
    from kb.glossary_view import match_record, matches_text
    from kb.lookup import TermNotFoundError, lookup_in_generation
    from kb.store import Store

    if not term and not as_list and not search_words:
        raise click.UsageError("give a TERM to look up, --search WORDS, or --list")
    if exact and fuzzy:
        raise click.UsageError("--exact and --fuzzy exclude each other: give one")
    mode = "exact" if exact else "fuzzy" if fuzzy else None
    snap = Store(_index(ctx)).snapshot()
    doc_id = snap.resolve(doc_ref) if doc_ref else None
    if as_list or search_words:  # every term (a name lookup reads only its own: kb.term_names)
        from kb.glossary import load_terms
        from kb.lookup import by_document

        every = load_terms(snap.path)
        terms = by_document(every, doc_id)
    if as_list:
        from kb.glossary import with_uses
        from kb.glossary_view import term_list_text, term_record
        from kb.lookup import by_name
        from kb.present import shown_of

        if by == "name":
            terms = by_name(terms)
        if uses:
            terms = with_uses(snap.path, terms)
        if as_json:
            click.echo(_dump([term_record(t, uses) for t in terms]))
        elif terms:
            click.echo(term_list_text(terms, by) + "\n" + shown_of(len(terms), len(every), "term"))
        if not terms:
            _no_match("No terms.")
        return
    from kb.glossary_index import definition_matches  # jieba and Whoosh only when asked, or as the fallback

    if search_words:
        matches = definition_matches(snap.path, every, search_words, doc_id)
        if not matches:
            raise TermNotFoundError(search_words, [])
    else:
        try:
            matches = lookup_in_generation(snap.path, term, mode or "auto", doc_id)
        except TermNotFoundError:
            if mode is not None:
                raise
            from kb.glossary import load_terms

            matches = definition_matches(snap.path, load_terms(snap.path), term, doc_id)
            if not matches:
                raise
    if uses:
        from kb.glossary import with_uses

        full = with_uses(snap.path, [m.term for m in matches])
        matches = [replace(m, term=t) for m, t in zip(matches, full)]
    click.echo(_dump([match_record(m, uses) for m in matches]) if as_json else matches_text(matches, uses))


@cli.command("keyword")
@click.argument("words", nargs=-1, required=True)
@click.option("--context", "-C", default=20, show_default=True, type=click.IntRange(min=0),
              help="Characters shown either side of the keyword.")
@doc_option
@filter_options
@click.option("--count", "counts_only", is_flag=True, help="Counts only, no occurrences.")
@click.option("--all", "all_words", is_flag=True, help="Only paragraphs that contain every WORD.")
@json_option
@kb_errors
@click.pass_context
def keyword_cmd(ctx, words, context, doc, doc_type, year, issuer, counts_only, all_words, as_json):
    """Every occurrence of WORD in the text, in context, with document, section and page.

    Exact substring match (a word inside a longer compound is found too); several WORDs are
    counted separately. Exit status 1 when nothing is found (the counts say 0).

    \b
    Example (every document on 居住证 from 2014–2016, counted):
      kb keyword 居住证 --year 2014-2016 --count
    """
    from kb.kwic import lookup
    from kb.present import kwic_record, kwic_text

    result = lookup(_index(ctx), words, doc=doc, context=context, all_words=all_words,
                    doc_type=doc_type, years=_years(year), issuer=issuer, counts_only=counts_only)
    if as_json:
        click.echo(_dump(kwic_record(result, counts_only)))
    else:
        mark = (lambda w: click.style(w, fg="red", bold=True)) if _colour() else None
        text = kwic_text(result, **({"mark": mark} if mark else {}), counts_only=counts_only)
        if text:
            click.echo(text)
    if not result.total:
        from kb.present import kwic_no_match

        _no_match(kwic_no_match(result))


@cli.command("export")
@click.argument("ref")
@click.option("--doc", help="Look for REF in this document only (an id, a unique part of one, or its 发文字号).",
              shell_complete=_complete_docs)
@click.option("--format", "fmt", type=click.Choice(["md", "text", "json", "docx"]),
              help="Output format [default: from -o's suffix, else md].")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--cite", is_flag=True, help="Print only the citation: 《标题》（发文字号）第X条, issuer, date.")
@click.option("--sentence", type=click.IntRange(min=1), metavar="N",
              help="Only the Nth sentence of REF (1 is the first), with its citation.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@kb_errors
@click.pass_context
def export_cmd(ctx, ref, doc, fmt, output, force, cite, sentence, as_json):
    """A section with all its sub-sections, or a whole document, with its citation.

    REF: a section id from `kb outline`/`kb search` (full, or local with --doc), a heading or
    number (第五章, 重点领域, 一、（六）), or a document.

    \b
    Examples:
      kb export 第二十六条 --doc 东府〔2015〕111号 --cite
      kb export ch5/s2 --doc 苏州 -o ch5.docx
    """
    from kb.export import export, format_for, write_output

    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} disagree: give one of them")
    try:
        fmt = format_for("json" if as_json else fmt, None if output == "-" else output)
    except KbError as e:
        raise click.UsageError(advised(e)) from None
    if (cite or sentence) and fmt == "docx":
        raise click.UsageError("--cite and --sentence print text: give --format md, text or json")
    if fmt == "docx" and (not output or output == "-"):
        raise click.UsageError("--format docx writes a binary file: give -o FILE.docx")
    result = export(_index(ctx), ref, doc=doc, fmt=fmt, cite=cite, sentence=sentence)
    if not output or output == "-":  # "-o -": standard output, as most tools read it
        if isinstance(result.content, bytes):
            raise click.UsageError("--format docx writes a binary file: give -o FILE.docx")
        click.echo(result.content, nl=False)
        return
    path = write_output(output, result.content, force=force)
    t = result.target
    what = t.section.title if t.section else t.document.title
    click.echo(f"wrote {path} ({fmt}): {what}, {result.sections} sections, {result.paragraphs} paragraphs", err=True)


MAX_QUERY = 2000  # characters: Whoosh's query parser is quadratic in the query's length (40k took 8.7 s)


def _query_text(words) -> str:
    """The query words as one string; too long or not text is a named error, not a traceback."""
    from kb.errors import QueryError, QueryTooLongError

    text = " ".join(words)
    if len(text) > MAX_QUERY:
        raise QueryTooLongError(f"query too long: {len(text)} characters, the limit is {MAX_QUERY}; search for a shorter passage")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # argv bytes that are not UTF-8 arrive as lone surrogates (surrogateescape)
        raw = os.fsencode(text)
        bad = "".join(f"\\x{b:02x}" for b in raw if b >= 0x80)[:40]
        raise QueryError(f"the query is not UTF-8 text (bytes {bad}); check the terminal's encoding") from None
    return text


def _damage_named(index_dir, fn, *args, **kwargs):
    """Run ``fn``; if it fails unexpectedly and the index is damaged, say which file and what repairs it."""
    try:
        return fn(*args, **kwargs)
    except (KbError, OSError):
        raise
    except Exception:
        from kb.verify import verify

        try:
            damage = verify(index_dir).problems
        except KbError:
            damage = []
        if not damage:
            raise  # a bug, not a damaged index: the traceback is what to report
        first = damage[0]
        more = f" (and {len(damage) - 1} more; `kb verify` lists them)" if len(damage) > 1 else ""
        raise KbError(f"{first['path']}: the index is damaged ({first['problem']}){more}; run `kb ingest` to repair it") from None


def _years(value: str | None):
    if not value:
        return None
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4})?)?\s*", value)
    if not m:
        raise click.BadParameter(f"{value!r}: use YEAR or FROM-TO, e.g. 2011-2017", param_hint="--year")
    first = int(m.group(1))
    open_ended = re.search(r"[-–~]\s*$", value) is not None  # "2011-", "2011–", "2011~": onwards
    last = int(m.group(2)) if m.group(2) else (9999 if open_ended else first)
    if last < first:
        raise click.BadParameter(f"{value!r}: the range ends before it starts", param_hint="--year")
    return first, last


@cli.command()
@click.argument("query", nargs=-1, required=False, metavar="QUERY...")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many hits to show.")
@doc_option
@filter_options
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True,
              help="By relevance, or newest document first.")
@click.option("--in", "scope", type=click.Choice(["all", "title", "body"]), default="all", show_default=True,
              help="Search headings and titles, section text, or both.")
@click.option("--by-doc", is_flag=True, help="One line per document: how many sections match, and its best one.")
@click.option("--explain", is_flag=True, help="Show how the query was read: its words, other names, what was left out.")
@in_force_option
@json_option
@kb_errors
@click.pass_context
def search(ctx, query, limit, doc, doc_type, year, issuer, sort, scope, by_doc, explain, in_force, as_json):
    """Find the sections that answer QUERY (Whoosh syntax: AND OR NOT, "phrase", ( ), title:, body:).

    A missing index, or one older than the files in corpus/, is built first (said on stderr).

    \b
    Example:
      kb search 居住证 --year 2014-2016 --issuer 东莞
    """
    from kb.freshness import refresh
    from kb.present import search_explain, search_record, search_text
    from kb.search import search as run

    years = _years(year)
    query, in_force = _query_after_in_force(query, in_force)
    text = _query_text(query)
    home = ctx.obj["home"]
    built = refresh(home.index, home.corpus,
                    on_build=lambda why: click.echo(f"{why}: building it from {home.corpus}/ …", err=True),
                    on_busy=lambda why: click.echo(why, err=True))
    for refused in (built.skipped if built else ()):
        click.echo(f"skipped {refused['error']}", err=True)
    result = _damage_named(home.index, run, home.index, text, limit=limit, doc=doc, doc_type=doc_type,
                           years=years, sort=sort, scope=scope, by_doc=by_doc, issuer=issuer,
                           in_force=_date(in_force, "--in-force"))
    if as_json:
        from kb.citation import hit_sources

        best = [g.best for g in result.by_doc] if result.by_doc is not None else []
        sources = hit_sources(home.index, result.hits + best)
        click.echo(_dump(search_record(result, sources[:len(result.hits)], sources[len(result.hits):])))
    elif result.hits:
        if explain:
            click.echo(search_explain(result))
        click.echo(search_text(result, color=_colour()))
    if not result.hits:
        if explain and not as_json:
            click.echo(search_explain(result), err=True)
        _no_match(search_text(result))


@cli.command("open")
@click.argument("ref")
@click.option("--doc", help="Look for REF in this document only.", shell_complete=_complete_docs)
@click.option("--page", type=click.IntRange(min=1), help="This PDF page instead of the section's first.")
@click.option("--print", "print_only", is_flag=True, help="Print the path and page; open nothing.")
@kb_errors
@click.pass_context
def open_cmd(ctx, ref, doc, page, print_only):
    """Open the PDF of REF (a section id, heading or document) at its page.

    The viewer: $KB_VIEWER (a command with {path} and {page}, e.g. 'zathura -P {page} {path}'),
    else xdg-open (Linux) or open (macOS). With no viewer or no display, the path and page are
    printed instead.

    \b
    Example:
      kb open 东莞市人才入户管理办法/ch6/art26
    """
    from kb.opener import open_ref

    opened = open_ref(_index(ctx), ref, doc=doc, page=page, launch=not print_only)
    click.echo(f"{opened.path}\tpage {opened.page}")
    if opened.note:
        click.echo(opened.note, err=True)


@cli.command()
@click.argument("refs", nargs=-1, shell_complete=_complete_docs)
@click.option("--missing", is_flag=True, help="Also every document whose PDF is gone from disk.")
@click.option("--wait", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for an ingest to finish.")
@json_option
@kb_errors
@click.pass_context
def remove(ctx, refs, missing, wait, as_json):
    """Take documents out of the index: each REF a document (id, part of one, 发文字号) or a PDF path.

    A PDF ingested by its own path and deleted since can be removed by that path, or with
    --missing. The PDF files themselves are never touched.

    \b
    Example:
      kb remove ~/policies/old_draft.pdf
    """
    from kb.remove import remove_documents

    if not refs and not missing:
        raise click.UsageError("give a document or a PDF path to remove, or --missing")
    report = remove_documents(_index(ctx), list(refs), missing=missing, wait=wait)
    if as_json:
        click.echo(_dump({"removed": report.removed, "paths": report.paths, "documents": report.documents}))
    else:
        for doc_id, path in zip(report.removed, report.paths):
            click.echo(f"removed {doc_id} ({path})")
        click.echo(f"{report.documents} documents in {_index(ctx)}")
    if not report.removed:
        _no_match("Nothing to remove.")


@cli.command()
@click.argument("text")
@click.option("--doc", help="Only this document.", shell_complete=_complete_docs)
@json_option
@kb_errors
@click.pass_context
def quote(ctx, text, doc, as_json):
    """The sentence that holds TEXT (a hit's or occurrence's words), with its citation.

    \b
    Example:
      kb quote 人才入户 --doc 东府〔2015〕111号
    """
    from kb.quote import quote as run

    q = run(_index(ctx), text, doc=doc)
    if as_json:
        click.echo(_dump(q.record()))
    else:
        click.echo(q.text())


if __name__ == "__main__":
    cli()
