"""The `kb` command: parse arguments → call one kb function → print.

Heavy imports (pdfplumber, jieba, Whoosh) happen inside the library functions a command
calls, so `kb --help` and `kb glossary` stay fast.
"""
from __future__ import annotations

import functools
import json
from dataclasses import replace
import os
import sys

import click

from kb.errors import AmbiguousRefError, KbError

DEFAULT_CORPUS = "corpus"


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _colour() -> bool:
    """Colour only for a person at a terminal; piped or with NO_COLOR (no-color.org), 【brackets】."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def json_option(fn):
    """--json on every command that prints results: one JSON document on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON (the README documents each record).")(fn)


def kb_errors(fn):
    """Translate library errors to a one-line message and an exit status (1; 2 is for usage)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AmbiguousRefError as e:
            lines = [f"Error: {e}"] + [f"  {c}" for c in e.candidates]
            click.echo("\n".join(lines), err=True)
            sys.exit(1)
        except KbError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        except OSError as e:  # an unwritable -o FILE or --index DIR, a disk that is full …
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"Error: {where}{e.strerror or e}", err=True)
            sys.exit(1)

    return wrapper


@click.group()
@click.version_option("0.1.0", prog_name="kb")
@click.option("--index", "index_dir", default="index", show_default=True, envvar="KB_INDEX",
              type=click.Path(file_okay=False), help="Where the built index lives (env KB_INDEX).")
@click.pass_context
def cli(ctx, index_dir):
    """policy-kb: search, glossary, keywords and section export for Chinese policy PDFs."""
    ctx.obj = {"index": index_dir}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--wait", default=0.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for another ingest to finish.")
@click.option("--max-pages", default=2000, show_default=True, type=click.IntRange(min=1), help="Refuse files with more pages.")
@click.option("--max-seconds", default=300.0, show_default=True, type=click.FloatRange(min=0),
              help="Give up on a file after this long.")
@json_option
@kb_errors
@click.pass_context
def ingest(ctx, paths, wait, max_pages, max_seconds, as_json):
    """Read PDFs (files or folders; default: corpus/) into the index.

    Only new and changed files are parsed; files gone from an ingested folder leave the index.
    Exit status 1 if any file was refused (each is named with its reason).
    """
    from kb.ingest import ingest as run
    from kb.present import ingest_record, ingest_text

    bar = None
    if not as_json and sys.stderr.isatty():
        bar = click.progressbar(length=1, label="ingest", file=sys.stderr, show_pos=True)

    def progress(path, i, total):
        if bar is None:
            return
        bar.length = max(total, 1)
        bar.label = click.format_filename(path)[-40:] if path else "done"
        bar.update(i - bar.pos)

    report = run(list(paths) or [DEFAULT_CORPUS], ctx.obj["index"], on_progress=progress, wait=wait,
                 max_pages=max_pages, max_seconds=max_seconds)
    if bar is not None:
        bar.render_finish()
    click.echo(_dump(ingest_record(report)) if as_json else ingest_text(report))
    if not report.ok:
        sys.exit(1)


def _date(value: str | None, option: str) -> str | None:
    """--as-of / --in-force: YYYY-MM-DD (or 2016/5/1, 2016年5月1日); "today" for today."""
    from kb.validity import parse_date, today

    if value is None:
        return None
    if value == "today":
        return today()
    try:
        return parse_date(value)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from None


def in_force_option(fn):
    return click.option("--in-force", "in_force", is_flag=False, flag_value="today", default=None, metavar="[DATE]",
                        help="Only documents in force on DATE (default today): not drafts, not expired, in effect.")(fn)


@cli.command()
@click.option("--as-of", "as_of", metavar="DATE", help="Status as of DATE (YYYY-MM-DD; default today).")
@in_force_option
@json_option
@kb_errors
@click.pass_context
def docs(ctx, as_of, in_force, as_json):
    """List the documents in the index with their metadata and status (in force, not yet in
    force, expired, draft) as of today or --as-of DATE."""
    from kb.present import doc_record, docs_text
    from kb.validity import list_documents

    as_of, in_force = _date(as_of, "--as-of"), _date(in_force, "--in-force")
    documents = list_documents(ctx.obj["index"], in_force=in_force)
    when = as_of or in_force
    click.echo(_dump([doc_record(d, when) for d in documents]) if as_json else docs_text(documents, when))


@cli.command()
@click.argument("doc")
@json_option
@kb_errors
@click.pass_context
def outline(ctx, doc, as_json):
    """Table of contents of DOC (an id, a unique part of one, or its 发文字号)."""
    from kb.present import outline_record, outline_text
    from kb.store import open_document

    document = open_document(ctx.obj["index"], doc)
    click.echo(_dump(outline_record(document)) if as_json else outline_text(document))


@cli.command()
@click.argument("term", required=False)
@click.option("--exact", is_flag=True, help="Only a name written exactly (any case or script), no partial or fuzzy match.")
@click.option("--fuzzy", is_flag=True, help="Rank every term by similarity to TERM.")
@click.option("--list", "as_list", is_flag=True, help="List every term instead of looking one up.")
@click.option("--by", type=click.Choice(["doc", "name"]), default="doc", show_default=True, help="Order of --list.")
@click.option("--uses", is_flag=True, help="Also show every section that uses the term, with counts.")
@click.option("--doc", "doc_ref", help="Only terms defined in this document (id, part of one, or 发文字号).")
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
    """
    from kb.glossary import load_terms, with_uses
    from kb.glossary_view import match_record, matches_text, term_list_text, term_record
    from kb.lookup import TermNotFoundError, by_document, by_name, lookup
    from kb.store import Store

    if not term and not as_list and not search_words:
        raise click.UsageError("give a TERM to look up, --search WORDS, or --list")
    if exact and fuzzy:
        raise click.UsageError("--exact and --fuzzy exclude each other: give one")
    mode = "exact" if exact else "fuzzy" if fuzzy else None
    snap = Store(ctx.obj["index"]).snapshot()
    doc_id = snap.resolve(doc_ref) if doc_ref else None
    every = load_terms(snap.path)
    terms = by_document(every, doc_id)
    if as_list:
        if by == "name":
            terms = by_name(terms)
        if uses:
            terms = with_uses(snap.path, terms)
        click.echo(_dump([term_record(t, uses) for t in terms]) if as_json else term_list_text(terms, by))
        return
    from kb.glossary_index import definition_matches  # jieba and Whoosh only when asked, or as the fallback

    if search_words:
        matches = definition_matches(snap.path, every, search_words, doc_id)
        if not matches:
            raise TermNotFoundError(search_words, [])
    else:
        try:
            matches = lookup(terms, term, mode or "auto")
        except TermNotFoundError:
            matches = definition_matches(snap.path, every, term, doc_id) if mode is None else []
            if not matches:
                raise
    if uses:
        full = with_uses(snap.path, [m.term for m in matches])
        matches = [replace(m, term=t) for m, t in zip(matches, full)]
    click.echo(_dump([match_record(m, uses) for m in matches]) if as_json else matches_text(matches, uses))


@cli.command("keyword")
@click.argument("words", nargs=-1, required=True)
@click.option("--context", "-C", default=20, show_default=True, type=click.IntRange(min=0),
              help="Characters shown either side of the keyword.")
@click.option("--doc", help="Only this document (an id, a unique part of one, or its 发文字号).")
@click.option("--count", "counts_only", is_flag=True, help="Counts only, no occurrences.")
@click.option("--all", "all_words", is_flag=True, help="Only paragraphs that contain every WORD.")
@json_option
@kb_errors
@click.pass_context
def keyword_cmd(ctx, words, context, doc, counts_only, all_words, as_json):
    """Every occurrence of WORD in the text, in context, with document, section and page.

    Exact substring match (a word inside a longer compound is found too); several WORDs are
    counted separately. Exit status 0 also when nothing is found (the counts say 0).
    """
    from kb.kwic import lookup
    from kb.present import kwic_record, kwic_text

    result = lookup(ctx.obj["index"], words, doc=doc, context=context, all_words=all_words)
    if as_json:
        click.echo(_dump(kwic_record(result, counts_only)))
        return
    mark = (lambda w: click.style(w, fg="red", bold=True)) if _colour() else None
    click.echo(kwic_text(result, **({"mark": mark} if mark else {}), counts_only=counts_only))


@cli.command("export")
@click.argument("ref")
@click.option("--doc", help="Look for REF in this document only (an id, a unique part of one, or its 发文字号).")
@click.option("--format", "fmt", type=click.Choice(["md", "text", "json", "docx"]),
              help="Output format [default: from -o's suffix, else md].")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@kb_errors
@click.pass_context
def export_cmd(ctx, ref, doc, fmt, output, force, as_json):
    """A section with all its sub-sections, or a whole document, with its citation.

    REF: a section id from `kb outline`/`kb search` (full, or local with --doc), a heading or
    number (第五章, 重点领域, 一、（六）), or a document.
    """
    from kb.export import export, format_for, write_output

    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and --format {fmt} disagree: give one of them")
    fmt = format_for("json" if as_json else fmt, output)
    if fmt == "docx" and (not output or output == "-"):
        raise click.UsageError("--format docx writes a binary file: give -o FILE.docx")
    result = export(ctx.obj["index"], ref, doc=doc, fmt=fmt)
    if not output or output == "-":  # "-o -": standard output, as most tools read it
        if isinstance(result.content, bytes):
            raise click.UsageError("--format docx writes a binary file: give -o FILE.docx")
        click.echo(result.content, nl=False)
        return
    path = write_output(output, result.content, force=force)
    t = result.target
    what = t.section.title if t.section else t.document.title
    click.echo(f"wrote {path} ({fmt}): {what}, {result.sections} sections, {result.paragraphs} paragraphs", err=True)


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
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many hits to show.")
@click.option("--doc", help="Only this document (an id, a unique part of one, or its 发文字号).")
@click.option("--type", "doc_type", help="Only documents of this type (规划, 通知, 评价结果 …; see `kb docs`).")
@click.option("--year", help="Only documents dated in YEAR or FROM-TO (e.g. 2011-2017).")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True)
@click.option("--in", "scope", type=click.Choice(["all", "title", "body"]), default="all", show_default=True,
              help="Search headings and titles, section text, or both.")
@in_force_option
@json_option
@kb_errors
@click.pass_context
def search(ctx, query, limit, doc, doc_type, year, sort, scope, in_force, as_json):
    """Find the sections that answer QUERY (Whoosh syntax: AND OR NOT, "phrase", ( ), title:, body:).

    A missing index, or one older than the files in corpus/, is built first (said on stderr).
    """
    from kb.present import search_record, search_text
    from kb.search import ensure_fresh, search as run

    years = _years(year)
    built = ensure_fresh(ctx.obj["index"], DEFAULT_CORPUS,
                         on_build=lambda why: click.echo(f"{why}: building it from {DEFAULT_CORPUS}/ …", err=True))
    for refused in (built.skipped if built else ()):
        click.echo(f"skipped {refused['error']}", err=True)
    result = run(ctx.obj["index"], " ".join(query), limit=limit, doc=doc, doc_type=doc_type, years=years,
                 sort=sort, scope=scope, in_force=_date(in_force, "--in-force"))
    if as_json:
        click.echo(_dump(search_record(result)))
    else:
        click.echo(search_text(result, color=_colour()))


if __name__ == "__main__":
    cli()
