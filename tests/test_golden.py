"""Golden outlines and exports of the bundled corpus: a change to what `kb outline` and
`kb export` print shows up as a diff of tests/golden/.

These files are regression records, not expectations: what the text must say is asserted, from
reading the PDFs, in test_export.py, test_structure.py and test_search.py. When a change is meant
to alter the output, regenerate them and read the diff before committing:

    KB_GEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

``test_the_regeneration_flag_is_off`` fails while the flag is set, so a run that rewrote the files
never passes as a run that checked them (docling-core's test/test_data_gen_flag.py).
"""
from __future__ import annotations

import os
from datetime import date

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import EVAL_ID, PLAN_ID, ROOT

GENERATE = os.environ.get("KB_GEN_GOLDEN", "").strip().lower() in ("1", "true", "yes")
GOLDEN = ROOT / "tests" / "golden"

CASES = {
    "plan.outline.txt": ["outline", PLAN_ID],
    "plan.outline.json": ["outline", PLAN_ID, "--json"],
    "eval.outline.txt": ["outline", EVAL_ID],
    "eval.outline.json": ["outline", EVAL_ID, "--json"],
    "eval.export.md": ["export", EVAL_ID, "--format", "md"],
    "plan.appendix.export.md": ["export", "appendix", "--doc", PLAN_ID, "--format", "md"],
    "plan.appendix.export.txt": ["export", "appendix", "--doc", PLAN_ID, "--format", "text"],
    "plan.appendix.export.json": ["export", "appendix", "--doc", PLAN_ID, "--format", "json"],
    "plan.ch5.export.md": ["export", "ch5", "--doc", PLAN_ID, "--format", "md"],
}


def test_the_regeneration_flag_is_off():
    assert not GENERATE, "KB_GEN_GOLDEN is set: tests/golden/ was rewritten, not checked; unset it and review the diff"


@pytest.mark.parametrize("name", CASES)
def test_output_is_the_golden_file(corpus_index, name):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), *CASES[name]])
    assert r.exit_code == 0, r.output
    # The PDFs' absolute paths differ per checkout, and the validity status is given as of the day
    # the test runs: a golden file holding a date would fail the next morning.
    out = r.stdout.replace(str(ROOT), "<ROOT>").replace(f'"as_of": "{date.today().isoformat()}"', '"as_of": "<TODAY>"')
    path = GOLDEN / name
    if GENERATE:
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with KB_GEN_GOLDEN=1 to write it"
    assert out == path.read_text(encoding="utf-8")
