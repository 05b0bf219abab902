"""The `kb` command: parse arguments → call one kb function → print.

Heavy imports (pdfplumber, jieba, Whoosh) happen inside the library functions a command
calls, so `kb --help` and `kb glossary` stay fast.
"""
from __future__ import annotations

import functools
import json
import sys

import click

from kb.errors import AmbiguousRefError, InputError, KbError

DEFAULT_CORPUS = "corpus"


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


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
        except (KbError, InputError) as e:
            click.echo(f"Error: {e}", err=True)
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
@click.option("--wait", default=0.0, show_default=True, help="Seconds to wait for another ingest to finish.")
@click.option("--max-pages", default=2000, show_default=True, help="Refuse files with more pages.")
@click.option("--max-seconds", default=300.0, show_default=True, help="Give up on a file after this long.")
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


@cli.command()
@json_option
@kb_errors
@click.pass_context
def docs(ctx, as_json):
    """List the documents in the index with their metadata."""
    from kb.present import doc_record, docs_text
    from kb.store import Store

    documents = Store(ctx.obj["index"]).snapshot().documents()
    click.echo(_dump([doc_record(d) for d in documents]) if as_json else docs_text(documents))


@cli.command()
@click.argument("doc")
@json_option
@kb_errors
@click.pass_context
def outline(ctx, doc, as_json):
    """Table of contents of DOC (an id, a unique part of one, or its 发文字号)."""
    from kb.present import outline_record, outline_text
    from kb.store import Store

    snap = Store(ctx.obj["index"]).snapshot()
    document = snap.document(snap.resolve(doc))
    click.echo(_dump(outline_record(document)) if as_json else outline_text(document))


def _years(value: str | None):
    if not value:
        return None
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4})?)?\s*", value)
    if not m:
        raise click.BadParameter(f"{value!r}: use YEAR or FROM-TO, e.g. 2011-2017", param_hint="--year")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else (first if "-" not in value else 9999)
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
@json_option
@kb_errors
@click.pass_context
def search(ctx, query, limit, doc, doc_type, year, sort, scope, as_json):
    """Find the sections that answer QUERY (Whoosh syntax: AND OR NOT, "phrase", ( ), title:, body:).

    A missing index, or one older than the files in corpus/, is built first (said on stderr).
    """
    from kb.present import search_record, search_text
    from kb.search import ensure_fresh, search as run

    years = _years(year)
    ensure_fresh(ctx.obj["index"], DEFAULT_CORPUS,
                 on_build=lambda why: click.echo(f"{why}: building it from {DEFAULT_CORPUS}/ …", err=True))
    result = run(ctx.obj["index"], " ".join(query), limit=limit, doc=doc, doc_type=doc_type, years=years,
                 sort=sort, scope=scope)
    if as_json:
        click.echo(_dump(search_record(result)))
    else:
        click.echo(search_text(result, color=sys.stdout.isatty()))


if __name__ == "__main__":
    cli()
