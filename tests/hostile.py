"""Hostile PDFs, written byte by byte in the test (nothing hostile is stored in the repository).

* ``form_bomb``: a chain of Form XObjects, each drawing the next one twice: 2**depth executions
  of a tiny stream. pdfminer refuses a stream that includes *itself*, but not this, so a
  few-KiB file keeps the parser busy for ever (the "billion laughs" of PDF).
* ``inflate_bomb``: one content stream of zeros that FlateDecode inflates ~1000-fold.
* ``dense_page``: one page with ``n`` characters (pdfplumber's dedupe_chars was quadratic in them).
"""
from __future__ import annotations

import zlib
from pathlib import Path

_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def write_pdf(objs: list[bytes], path: Path) -> Path:
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _page(contents: int, resources: bytes) -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources %s >>" % (contents, resources)]


def form_bomb(path: Path, depth: int = 40) -> Path:
    objs = _page(4, b"<< /XObject << /X 5 0 R >> >>")
    objs.append(_stream(b"", b"/X Do"))
    for level in range(depth):
        n = 5 + level
        res = b"<< /XObject << /X %d 0 R >> >>" % (n + 1) if level < depth - 1 else b"<< >>"
        body = b"/X Do /X Do" if level < depth - 1 else b"0 0 m 1 1 l S"
        objs.append(_stream(b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources " + res, body))
    return write_pdf(objs, path)


def inflate_bomb(path: Path, megabytes: int = 1024) -> Path:
    # Compressing 1 GiB takes seconds; the stream is built instead from one mebibyte deflated
    # with a full flush, whose output repeats exactly because a full flush resets the state, and
    # the zlib trailer's Adler-32 of N bytes of "0" (0x30) in closed form: A = 1 + 48N, B = N + 48·N(N+1)/2.
    chunk = b"0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    n = megabytes << 20
    adler = ((n + 48 * n * (n + 1) // 2) % 65521) << 16 | (1 + 48 * n) % 65521
    data = b"\x78\xda" + first + again * (megabytes - 1) + comp.flush() + adler.to_bytes(4, "big")
    objs = _page(4, b"<< >>")
    objs.append(_stream(b"/Filter /FlateDecode", data))
    return write_pdf(objs, path)


def dense_page(path: Path, n: int) -> Path:
    """One A4 page of ``n`` distinct-position Latin characters in 4-pt type."""
    rows, per_row = [], 140
    for r in range((n + per_row - 1) // per_row):
        k = min(per_row, n - r * per_row)
        rows.append(b"BT /F1 4 Tf %d %d Td (%s) Tj ET" % (10, 830 - (r % 205) * 4, (b"abcdefghij" * 14)[:k]))
    objs = _page(4, b"<< /Font << /F1 5 0 R >> >>")
    objs.append(_stream(b"", b"\n".join(rows)))
    objs.append(_FONT)
    return write_pdf(objs, path)
