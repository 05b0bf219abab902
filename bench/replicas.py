"""A parsed document copied under another id, for the benches that measure a corpus N times the
bundled one without parsing a PDF again (bench_kwic, bench_docstore; bench_scale and bench_search
write the same loop). Through the JSON codec: the model is frozen, and a copy shares nothing."""
from __future__ import annotations

import json


def renamed(doc, new_id: str):
    """``doc`` with id ``new_id``, each section's id moved under it (``<doc_id>/ch5`` → ``<new_id>/ch5``)."""
    from kb.model import Document

    data = json.loads(json.dumps(doc.to_dict()))
    stack = list(data["sections"])
    while stack:
        s = stack.pop()
        s["id"] = new_id + s["id"][len(doc.id):]
        stack.extend(s["children"])
    return Document.from_dict({**data, "id": new_id})
