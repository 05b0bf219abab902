"""Generations: unchanged files reused, changed re-parsed, removed dropped, swaps atomic."""
from __future__ import annotations

import shutil

import pytest

from conftest import EVAL
from kb.errors import IndexBusyError
from kb.ingest import ingest
from kb.store import Store, current_generation




def test_removed_and_changed_files_are_tracked(two_pdfs_ingested, folder, index):
    first = two_pdfs_ingested[3]
    assert sorted(first.added) == ["eval", "plan"]

    (folder / "eval.pdf").unlink()
    shutil.copy(EVAL, folder / "plan.pdf")  # same name, other content
    second = ingest([folder], index)
    assert (second.removed, second.updated, second.added) == (["eval"], ["plan"], [])
    snap = Store(index).snapshot()
    assert snap.doc_ids == ["plan"]
    assert snap.document("plan").title == "2017年度中国服务外包示范城市及申请城市综合评价结果"


def test_a_file_ingested_alone_does_not_drop_the_others(folder, index):
    report = ingest([folder / "eval.pdf"], index)
    assert report.unchanged == ["eval"] and report.removed == []
    assert sorted(Store(index).snapshot().doc_ids) == ["eval", "plan"]


def test_a_failed_build_leaves_the_live_generation(folder, index):
    live = current_generation(index)
    store = Store(index)
    with pytest.raises(RuntimeError):
        with store.writer() as gen:
            (gen.path / "half-written").write_text("x")
            raise RuntimeError("killed mid-build")
    assert current_generation(index) == live
    assert [p.name for p in index.iterdir() if p.name.startswith("gen-")] == [live.name]
    assert sorted(store.snapshot().doc_ids) == ["eval", "plan"]


def test_a_second_writer_is_told_the_index_is_busy(folder, tmp_path):
    index = tmp_path / "index"
    with Store(index).writer():
        with pytest.raises(IndexBusyError) as err:
            ingest([folder], index)
    assert str(err.value).startswith(f"{index}: the index is busy, another ingest (pid ")
    assert str(err.value).endswith("is writing it; try again when it ends")


def test_readers_keep_their_generation_while_a_new_one_is_swapped_in(folder, index):
    reader = Store(index).snapshot()
    (folder / "eval.pdf").unlink()
    ingest([folder], index)
    # The old snapshot still reads every document it listed: the previous generation is kept.
    assert reader.document("eval").title == "2017年度中国服务外包示范城市及申请城市综合评价结果"
    assert Store(index).snapshot().doc_ids == ["plan"]


def test_an_ingest_with_nothing_changed_reuses_the_search_index_and_glossary(folder, index):
    before = current_generation(index)
    report = ingest([folder], index)
    after = current_generation(index)
    assert sorted(report.unchanged) == ["eval", "plan"] and report.terms == 33  # 一轴, 两翼, 第三方物流, 服务提供商 (issue 11)
    assert after != before
    assert (after / "terms.json").stat().st_ino == (before / "terms.json").stat().st_ino  # a hard link, not a rebuild
    from kb.search import search

    hits = search(index, "离岸服务外包", limit=1).hits
    assert hits[0].section_id == "plan/appendix/s3"


def test_documents_parsed_by_older_rules_are_parsed_again(folder, index, monkeypatch):
    monkeypatch.setattr("kb.ingest.PARSER_VERSION", 99)
    report = ingest([folder], index)
    assert sorted(report.updated) == ["eval", "plan"] and report.unchanged == []
    assert {e["parser"] for e in Store(index).snapshot().manifest.values()} == {99}


def test_a_document_whose_stored_copy_is_gone_is_parsed_again(folder, index):
    snap = Store(index).snapshot()
    (snap.path / "docs" / snap.manifest["eval"]["file"]).unlink()
    report = ingest([folder], index)
    # The PDF did not change, so the document is "unchanged"; its repair is reported on its own.
    assert (report.updated, report.unchanged, report.skipped) == ([], ["eval", "plan"], [])
    assert report.repaired == [f"{snap.path / 'docs' / snap.manifest['eval']['file']}: damaged or missing; parsed again from {folder / 'eval.pdf'}"]
    assert Store(index).snapshot().document("eval").page_count == 7
