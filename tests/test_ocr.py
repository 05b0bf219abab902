"""Issue 16: OCR for pages without a text layer (`kb ingest --ocr`, kb/ocr.py).

Expectations for the real scans were written by reading their page images (rendered at 80 dpi
and looked at), never from what the OCR printed.

OCR costs ~5–8 s a page here, so the tests OCR 8 pages in all, each once (one cache for the
module): page 1 of each of the six scanned negatives of ../shared/real (title and 发文字号 stand
there in all six, and a seal over the signature on three), page 2 of the shortest scan
(NEG_scanned_dg_shebao, 2 pages) to ingest one whole file end to end through the CLI, and one
image page inside a mixed document. Tests that need the `ocr` extra skip, saying so, where it is
not installed; CI (.ci/run) installs it. The geometry rules run on made-up boxes, without it.
Seal finding runs on rendered pages only (no recognition): the seals' centres were read off the
page images. The per-page progress test reads its pages from the module's OCR cache.
"""
from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
import shutil

import pytest
from click.testing import CliRunner

from cli import cli
from kb import clean, extract, metadata, ocr, structure
from kb.errors import NoTextLayerError, OcrUnavailableError
from kb.model import FURNITURE, Line, Page
from kb.ocr import Box, boxes_to_lines, fix_punctuation, settle_sizes
from kb.parse import file_sha256, parse_pdf
from conftest import real_pdf


def needs_ocr():
    reason = ocr.missing()
    if reason:
        pytest.skip(f"OCR tests need the ocr extra ({reason})")


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory):
    """One OCR cache for the module: no page is OCR'd twice."""
    return tmp_path_factory.mktemp("ocr-cache")


def run(index, *args):
    return CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=False)


# -- the scans of ../shared/real: page 1 ---------------------------------------------------
# file: (title, 发文字号, issuer, date) as page 1 prints them; None where page 1 does not show it
# (the signature of yuejiaokao and gz is on a later page; nj is signed by two organs side by
# side under two grey seals, one name each, as the issuer names them).
FRONT = {
    "NEG_scanned_dg_shebao_tongzhi_2016.pdf": (
        "关于全面推开非本市户籍职工在莞就读子女参加社会基本医疗保险有关问题的通知", "东社保〔2016〕21号", None, None),
    "NEG_scanned_dg_dabing_yibao_xize_2016.pdf": (
        "关于印发《东莞市社会保障局重大疾病医疗保险实施细则》的通知", "东社保〔2016〕4号", "东莞市社会保障局", "2016-01-01"),
    "NEG_imageonly_sz_juzhu_dengji_juzhuzheng_guiding_2016.pdf": (
        "深圳市人民政府关于印发深圳市居住登记和居住证办理规定的通知", "深府〔2016〕60号", "深圳市人民政府", "2016-08-08"),
    "NEG_scanned_nj_yanglao_baoxian_xize_tongzhi.pdf": (
        "关于印发《<南京市城乡居民基本养老保险办法>实施细则》的通知", "宁人社〔2015〕60号",
        "南京市人力资源和社会保障局、南京市财政局", "2015-05-28"),
    "NEG_scanned_yuejiaokao_2015_14.pdf": (
        "关于做好2016年进城务工人员随迁子女在广东省参加高考有关工作的通知", "粤教考〔2015〕14号", None, None),
    "NEG_scanned_libreoffice_gz_gongzu_xize_2016.pdf": (
        "广州市住房和城乡建设委员会广州市来穗人员服务管理局关于印发《来穗务工人员申请承租市本级公共租赁住房实施细则（试行）》的通知",
        "穗建住保〔2015〕1312号", None, None),
}


def first_page(path, cache, count=1):
    """Page 1 (or the first ``count``), through the steps parse_pdf takes (a whole scan costs
    minutes to OCR)."""
    reader = ocr.PageReader(path, file_sha256(path), cache)
    pages = []
    try:
        for page in extract.iter_pages(path, page_ocr=reader):
            pages.append(page)
            if len(pages) == count:
                break
    finally:
        reader.close()
    labelled = clean.label_pages(settle_sizes(pages))
    sections = structure.pages_to_sections(path.stem, labelled, fallback_title=path.stem)
    furniture = [ln for p in labelled for ln in p.lines if ln.label == FURNITURE]
    return labelled[0], sections, metadata.extract(sections, {}, furniture)


@pytest.mark.parametrize("name", sorted(FRONT))
def test_scan_page_one_gives_the_title_and_number_it_prints(name, ocr_cache):
    path = real_pdf(name)
    needs_ocr()
    page, sections, meta = first_page(path, ocr_cache)
    title, number, issuer, date = FRONT[name]
    assert page.ocr and all(ln.ocr and 0.5 <= ln.ocr_confidence <= 1 for ln in page.lines)
    assert (meta.title, meta.doc_number) == (title, number)
    if issuer:
        assert meta.issuer == issuer
    if date:
        assert meta.date == date
    # The 红头 and the organs of a joint 版头 are front matter, never a part of their own.
    assert [s.heading for s in sections if s.kind == "part"][:1] == [title]


def test_red_seal_is_dropped_but_the_red_header_kept():
    # sz page 1: 深圳市人民政府文件 in red at the top, a red seal over the signature and date.
    needs_ocr()
    import numpy as np
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(real_pdf("NEG_imageonly_sz_juzhu_dengji_juzhuzheng_guiding_2016.pdf")))
    try:
        img = ocr.render(pdf, 0)
    finally:
        pdf.close()
    out = ocr.drop_seals(img)

    def red(a, top, bottom):  # red pixels between two heights, in PDF points
        part = a[int(top * ocr.SCALE):int(bottom * ocr.SCALE)].astype(int)
        return int(((part[:, :, 2] > 110) & (part[:, :, 2] - part[:, :, :2].max(axis=2) > 50)).sum())

    header, seal = (180, 260), (560, 760)  # where the page image shows them
    assert red(out, *header) == red(img, *header) > 1000
    assert red(img, *seal) > 1000 and red(out, *seal) < red(img, *seal) * 0.05
    assert np.array_equal(out[:int(500 * ocr.SCALE)], img[:int(500 * ocr.SCALE)])


# -- one scan end to end, through the CLI ---------------------------------------------------
@pytest.fixture(scope="module")
def shebao(tmp_path_factory, ocr_cache):
    """NEG_scanned_dg_shebao (2 pages) ingested with --ocr; page 1 comes from the module cache."""
    path = real_pdf("NEG_scanned_dg_shebao_tongzhi_2016.pdf")
    needs_ocr()
    index = tmp_path_factory.mktemp("shebao") / "index"
    sha = file_sha256(path)
    if (ocr_cache / sha).is_dir():
        shutil.copytree(ocr_cache / sha, index / "ocr" / sha)
    result = run(index, "ingest", "--ocr", "--json", str(path))
    return path, index, result


def test_scan_ingests_with_ocr(shebao):
    _, index, result = shebao
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["added"] == ["NEG_scanned_dg_shebao_tongzhi_2016"] and report["skipped"] == []
    [doc] = json.loads(run(index, "docs", "--json").output)["documents"]
    assert (doc["title"], doc["doc_number"], doc["issuer"], doc["date"]) == (
        "关于全面推开非本市户籍职工在莞就读子女参加社会基本医疗保险有关问题的通知", "东社保〔2016〕21号",
        "东莞市社会保障局", "2016-03-16")
    assert doc["ocr_pages"] == [1, 2]
    assert "2 pages OCR'd" in run(index, "docs").output


def test_scan_keeps_its_heading_ladder_and_the_seal_adds_nothing(shebao):
    _, index, _ = shebao
    outline = json.loads(run(index, "outline", "NEG_scanned_dg_shebao", "--json").output)["outline"]
    # One part: the seal over the signature, the 红头 and the 版记 start none of their own.
    assert [p["title"] for p in outline] == ["关于全面推开非本市户籍职工在莞就读子女参加社会基本医疗保险有关问题的通知"]
    # 一、 to 三、 carry a bold run-in heading on the page image; 四、 and 五、 start a sentence.
    items = [(c["number"], c["heading"] if c["number"] in ("一、", "二、", "三、") else "") for c in outline[0]["children"]]
    assert items == [("一、", "参保条件"), ("二、", "参保方式和缴费标准"), ("三、", "待遇标准"), ("四、", ""), ("五、", "")]


def test_ocr_text_says_so_in_hits_keywords_and_exports(shebao):
    _, index, _ = shebao
    export = json.loads(run(index, "export", "NEG_scanned_dg_shebao", "--json").output)
    def walk(sections):
        for s in sections:
            yield s
            yield from walk(s["children"])

    paragraphs = [p for s in walk(export["sections"]) for p in s["paragraphs"]]
    assert len(paragraphs) >= 10 and all(p["ocr"] and 0.5 <= p["ocr_confidence"] <= 1 for p in paragraphs)
    assert export["citation"]["ocr_pages"] == [1, 2]
    assert "OCR 识别文本（PDF 第1–2页）" in run(index, "export", "NEG_scanned_dg_shebao").output
    kwic = json.loads(run(index, "keyword", "参保", "--json").output)
    assert kwic["occurrences"] and all(o["ocr"] for o in kwic["occurrences"])
    assert " [OCR] " in run(index, "keyword", "参保").output
    hits = json.loads(run(index, "search", "待遇标准", "--json").output)["hits"]
    assert hits and all(h["ocr"] for h in hits)


def test_quotations_and_citations_of_ocr_text_say_so(shebao):
    _, index, _ = shebao
    # The whole scan cited: both its pages were read by OCR.
    cited = run(index, "export", "NEG_scanned_dg_shebao", "--cite")
    assert cited.exit_code == 0 and "OCR 识别文本（PDF 第1–2页），引用前请核对原件" in cited.output
    assert json.loads(run(index, "export", "NEG_scanned_dg_shebao", "--cite", "--json").output)["ocr_pages"] == [1, 2]
    # One sentence quoted: the caution names the page it stands on, and only that page.
    q = json.loads(run(index, "quote", "可继续在试点学校参保", "--json").output)
    assert q["ocr_pages"] == [q["page"]]
    text = run(index, "quote", "可继续在试点学校参保").output
    assert f"OCR 识别文本（PDF 第{q['page']}页），引用前请核对原件" in text
    said = run(index, "export", "NEG_scanned_dg_shebao", "--sentence", "5").output
    assert "OCR 识别文本" in said


def test_an_unchanged_file_is_never_ocrd_again(shebao, tmp_path, monkeypatch):
    path, index, _ = shebao
    copy = tmp_path / "same_bytes_new_name.pdf"
    shutil.copyfile(path, copy)

    def no_engine(*_a, **_k):
        raise AssertionError("OCR ran again on a file whose results are cached")

    monkeypatch.setattr(ocr, "recognise", no_engine)
    # Same bytes under a new name, ingested without --ocr: the cached pages are read. (While the
    # original is indexed, a copy is only reported as a duplicate: take the original out first.)
    assert run(index, "remove", Path(path).stem).exit_code == 0
    result = run(index, "ingest", "--json", str(copy))
    assert result.exit_code == 0, result.output
    docs = {d["doc_id"]: d for d in json.loads(run(index, "docs", "--json").output)["documents"]}
    assert docs["same_bytes_new_name"]["doc_number"] == "东社保〔2016〕21号"
    assert docs["same_bytes_new_name"]["ocr_pages"] == [1, 2]


def test_the_progress_bar_moves_per_ocrd_page(shebao, tmp_path):
    # The pages come from the OCR cache of the shebao ingest (a cached page is told like a read one).
    from kb.ingest import ingest

    path, index, _ = shebao
    fresh = tmp_path / "index"
    shutil.copytree(index / "ocr", fresh / "ocr")
    calls = []
    report = ingest([path], fresh, use_ocr=True, on_progress=lambda p, done, total: calls.append((p, done, total)))
    assert report.added == ["NEG_scanned_dg_shebao_tongzhi_2016"]
    # One step for the file, and one for each of its 2 pages once the first is OCR'd.
    assert calls == [("", 0, 1), (str(path), 1, 3), (str(path), 2, 3), (str(path), 3, 3)]


def _tell_then_sleep(pages: int, seconds: float) -> str:
    from kb import worker

    for page in range(1, pages + 1):
        worker.tell(("ocr", page, pages))
    time.sleep(seconds)
    return "done"


def test_page_notes_reach_the_parent_and_do_not_extend_the_time_budget():
    from kb import worker
    from kb.errors import TimeBudgetError

    notes = []
    tasks = [worker.Task(key=1, path="quick.pdf", fn=_tell_then_sleep, args=(3, 0.0)),
             worker.Task(key=2, path="slow.pdf", fn=_tell_then_sleep, args=(2, 60.0))]
    results = {t.key: (doc, err) for t, doc, err in worker.run(
        tasks, worker.Budget(seconds=3, memory=0, workers=2), on_note=lambda t, n: notes.append((t.key, n)))}
    assert results[1] == ("done", None)
    assert results[2][0] is None and isinstance(results[2][1], TimeBudgetError)
    assert sorted(notes) == [(1, ("ocr", 1, 3)), (1, ("ocr", 2, 3)), (1, ("ocr", 3, 3)),
                             (2, ("ocr", 1, 2)), (2, ("ocr", 2, 2))]


# -- a mixed document: text pages stay as they are -------------------------------------------
def test_mixed_document_ocrs_only_its_image_page(tmp_path, ocr_cache):
    text_pdf = real_pdf("hz_yibao_tiaozheng_2016_hf57.pdf")
    scan_pdf = real_pdf("NEG_scanned_dg_shebao_tongzhi_2016.pdf")
    needs_ocr()
    import pikepdf

    mixed = tmp_path / "mixed.pdf"
    with pikepdf.open(text_pdf) as out, pikepdf.open(scan_pdf) as scan:
        out.pages.append(scan.pages[1])  # page 3: the scan's page 2 (an image, no text)
        out.save(mixed)
    pages = extract.read_pages(mixed, page_ocr=ocr.PageReader(mixed, file_sha256(mixed), ocr_cache))
    plain = extract.read_pages(text_pdf)
    assert [p.ocr for p in pages] == [False, False, True]
    assert pages[:2] == plain  # the text pages, line for line as without OCR
    assert any("特此通知" in ln.text for ln in pages[2].lines)


# -- without the extra or the flag -----------------------------------------------------------
def test_without_the_flag_a_scan_is_refused_naming_it(tmp_path):
    path = real_pdf("NEG_scanned_dg_shebao_tongzhi_2016.pdf")
    with pytest.raises(NoTextLayerError) as info:
        parse_pdf(path, ocr_cache=tmp_path / "empty-cache")
    assert str(info.value) == f"{path}: no text layer (a scanned image); `kb ingest --ocr` reads it (2 of 2 page(s) carry no text)"


def test_flag_without_the_extra_says_what_to_install(tmp_path, monkeypatch):
    path = real_pdf("NEG_scanned_dg_shebao_tongzhi_2016.pdf")
    monkeypatch.setattr(ocr, "missing", lambda: "the OCR extra is not installed (rapidocr_onnxruntime missing)")
    with pytest.raises(OcrUnavailableError) as info:
        parse_pdf(path, use_ocr=True, ocr_cache=tmp_path / "empty-cache")
    assert str(info.value) == (
        f"{path}: no text layer (a scanned image), and OCR cannot run: the OCR extra is not installed "
        "(pip install -e '.[ocr]') (2 of 2 page(s) carry no text)")


# -- boxes → lines, on made-up boxes (no engine needed) ----------------------------------------
def box(text, x0, top, x1, bottom, confidence=0.99, tilt=0.0, vertical=False, under_seal=False):
    return Box(text, confidence, x0, top, x1, bottom, tilt, vertical, under_seal)


def test_boxes_on_one_baseline_join_and_seal_arcs_signatures_and_vertical_text_drop():
    lines = boxes_to_lines([
        box("各镇人民政府（街道办事处）", 80, 100, 290, 116),
        box("南京市财政局", 400, 300, 500, 316), box("南京市人力资源和社会保障局", 80, 301, 290, 317),
        box("市财", 300, 280, 340, 330, tilt=0.3),  # a seal's arc
        box("王小明", 100, 340, 160, 360, confidence=0.62),  # a handwritten signature
        box("装订线", 20, 200, 36, 260, vertical=True),  # a vertical margin note
    ], page_no=3)
    assert [ln.text for ln in lines] == ["各镇人民政府（街道办事处）", "南京市人力资源和社会保障局 南京市财政局"]
    assert all(ln.ocr and ln.page == 3 for ln in lines)
    assert (lines[1].x0, lines[1].x1, lines[1].top, lines[1].bottom) == (80, 500, 300, 317)


def test_a_page_of_mostly_vertical_text_is_turned_a_page_with_a_vertical_stamp_is_not():
    table = [box("认定类别具体情况列举处理指引", 50, 100, 70, 400, vertical=True),
             box("考生家长为个体商贩创业人员", 80, 100, 100, 380, vertical=True), box("7", 500, 800, 510, 812)]
    notice = [box("各镇人民政府（街道办事处），市府直属各单位：", 80, 100, 500, 116),
              box("现将《东莞市人才入户管理办法》印发给你们，请认真贯彻执行。", 80, 130, 500, 146),
              box("东莞市社会保障局", 20, 300, 36, 420, vertical=True)]
    assert ocr.turned(table) and not ocr.turned(notice)


def test_size_by_advance_on_long_lines_and_from_the_line_above_on_short_ones():
    lines = boxes_to_lines([
        box("关于全面推开非本市户籍职工", 100, 50, 100 + 13 * 22, 72),  # 13 characters of 22 pt
        box("为贯彻落实省深化城乡医疗保障体制改革", 80, 100, 80 + 18 * 16, 119),  # 18 of 16 pt
        box("反映。", 80, 130, 128, 152),  # a short line: its box is 22 high, the type is 16 pt
        box("广 东 省 教 育 厅", 60, 200, 520, 240),  # letter-spaced: the box height, not the advance
    ], page_no=1)
    assert [ln.size for ln in lines] == [22.0, 16.0, 16.0, 40.0]


def test_ocr_punctuation_is_set_as_the_text_layer_sets_it():
    assert fix_punctuation("东社保【2016]21号") == "东社保〔2016〕21号"
    assert fix_punctuation("职工,其通过积分制(试行)") == "职工，其通过积分制（试行）"
    assert fix_punctuation("惠府（2016）57号 3.5,2") == "惠府〔2016〕57号 3.5,2"
    assert fix_punctuation("（2016年修订）") == "（2016年修订）"
    assert fix_punctuation("一2一") == fix_punctuation("-9一").replace("9", "2") == "—2—"
    assert fix_punctuation("一2一三") == "一2一三" and fix_punctuation("第一2一") == "第一2一"
    # The radicals the recogniser returns for a bar and an enumeration comma (gov p.1's menu,
    # 苏州 p.1's 各市、区人民政府 as the page image prints them).
    assert fix_punctuation("网站首页丨今日中国丨中国概况") == "网站首页|今日中国|中国概况"
    assert fix_punctuation("各市丶区人民政府，") == "各市、区人民政府，"


def test_a_page_number_read_with_little_confidence_is_kept():
    # 苏州 p.20 prints －20－ at its foot; the recogniser reads "-20一" at 0.73, under the bar
    # for a short reading (a seal's letters, a signature), which still drops "王小明" at 0.62.
    lines = boxes_to_lines([box("“优化沿江”的服务外包产业空间发展战略。", 80, 400, 400, 416),
                            box("-20一", 280, 765, 310, 777, confidence=0.731),
                            box("王小明", 100, 700, 160, 720, confidence=0.62)], page_no=20)
    assert [ln.text for ln in lines] == ["“优化沿江”的服务外包产业空间发展战略。", "—20—"]


def test_ocr_lines_near_the_body_size_get_exactly_it():
    def page(number, sizes, is_ocr=True):
        lines = tuple(Line(text="字" * 20, page=number, x0=0, x1=1, top=i, bottom=i + 1, size=s, font="", ocr=is_ocr)
                      for i, s in enumerate(sizes))
        return Page(number=number, width=595, height=842, lines=lines, ocr=is_ocr)

    settled = settle_sizes([page(1, [15.3, 15.9, 16.4, 21.7]), page(2, [15.6, 17.1])])
    assert [ln.size for p in settled for ln in p.lines] == [16.0, 16.0, 16.0, 21.5, 16.0, 16.0]
    # In a mixed document the text layer's body size wins.
    mixed = settle_sizes([page(1, [14.0, 14.0], is_ocr=False), page(2, [14.8, 13.3])])
    assert [ln.size for ln in mixed[1].lines] == [14.0, 14.0]


# -- seals over the signature: found by their ring, the reading checked against the document ----
# Centres read off the page images (pdftoppm -r 50, pixels ÷ 50/72): nj p.1 is signed by two
# organs, each under its grey seal; shebao p.2 and dabing p.1 carry one grey seal, sz p.1 a red one.
SEALS = {
    ("NEG_scanned_nj_yanglao_baoxian_xize_tongzhi.pdf", 1): [(202, 540), (440, 555)],
    ("NEG_scanned_dg_shebao_tongzhi_2016.pdf", 2): [(430, 555)],
    ("NEG_scanned_dg_dabing_yibao_xize_2016.pdf", 1): [(405, 630)],
    ("NEG_imageonly_sz_juzhu_dengji_juzhuzheng_guiding_2016.pdf", 1): [(395, 670)],
    ("NEG_scanned_dg_shebao_tongzhi_2016.pdf", 1): [],  # the 红头 and title, no seal
    ("laodong_fa_1994.pdf", 3): [],  # a page of printed text
    ("gd_renkou_jisheng_tiaoli_2008_webprint.pdf", 1): [],  # a web print: menus, a logo
}


@pytest.mark.parametrize("name,page", sorted(SEALS))
def test_seals_are_found_by_their_ring_in_grey_and_in_red(name, page):
    path = real_pdf(name)
    needs_ocr()
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        found = ocr.find_seals(ocr.render(pdf, page - 1))
    finally:
        pdf.close()
    expected = SEALS[name, page]
    assert len(found) == len(expected)
    for x, y in expected:
        assert any(abs(fx - x) < 25 and abs(fy - y) < 25 and 48 <= r <= 70 for fx, fy, r in found), (x, y, found)


def test_a_doubtful_reading_under_a_seal_takes_the_documents_sure_spelling():
    # nj p.1 as the recogniser reads it: the 版头 prints both organs clear of the seals; the
    # signature under them lost 人/保 to the ring and star, and 京 to a faint ring (read surely!).
    header = [box("南京市人力资源和社会保障局", 97, 115, 420, 150, confidence=0.987),
              box("南京市财政局", 95, 165, 420, 200, confidence=1.0),
              box("南京市人力资源和社会保障局办公室", 89, 701, 330, 716, confidence=0.999)]
    signature = [box("南京市去力资源和社会标障局", 115, 539, 290, 556, confidence=0.818, under_seal=True),
                 box("南市财政局", 368, 541, 470, 556, confidence=0.998, under_seal=True),
                 box("2015年5月26日", 389, 569, 480, 584, confidence=0.8, under_seal=True)]
    body = [box("各区人力资源和社会保障局、财政局", 92, 399, 400, 414, confidence=0.86),
            box("广东省发展和改革委员会、广东省公", 92, 420, 400, 436, confidence=0.99)]
    # yuejiaokao p.6: organs signed side by side under their seals, read surely; the body wraps
    # the same list "…委员会、广东省公|安厅…" (3 edits away: not for a sure reading), with 、 (only punctuation).
    side_by_side = [box("广东省发展和改革委员会广东省公安厅", 80, 600, 400, 616, confidence=0.976, under_seal=True),
                    box("广东省人力资源和社会保障厅广东省住房和城乡建设厅", 80, 640, 520, 656, confidence=0.999, under_seal=True)]
    page = header + signature + body + side_by_side
    lexicon = ocr.sure_texts(page) + ["广东省人力资源和社会保障厅、广东省住房和城乡建设厅"]
    snapped = ocr.snap(page, lexicon)
    assert [b.text for b in snapped[3:6]] == ["南京市人力资源和社会保障局", "南京市财政局",
                                               "2015年5月26日"]  # a date is never taken from another line
    assert snapped[:3] == header and snapped[6:] == body + side_by_side  # sure, or nothing close enough
    # Only readings in doubt: the same signature read surely and clear of a seal stays as read.
    clear = [replace(b, confidence=0.99, under_seal=False) for b in signature]
    assert ocr.snap(header + clear, ocr.sure_texts(header)) == header + clear


def test_gz_signature_split_by_seals_reads_as_printed_with_its_date(ocr_cache):
    # gz p.2 (page image): 广州市住房和城乡建设委员会 and 广州市来穗人员服务管理局 side by side,
    # each under a grey seal whose ring and star cover 住房和城乡; the date 2015年11月23日 under
    # the right seal. Page 1's 版头 prints both names clear.
    path = real_pdf("NEG_scanned_libreoffice_gz_gongzu_xize_2016.pdf")
    needs_ocr()
    _, _, meta = first_page(path, ocr_cache, count=2)
    assert meta.issuer == "广州市住房和城乡建设委员会、广州市来穗人员服务管理局"
    assert meta.date == "2015-11-23"


def test_two_pieces_of_a_name_split_by_a_seal_are_the_name_the_document_prints():
    # gz p.2's readings (PDF points): a seal's ring and star over 住房和城乡.
    header = [box("广州市住房和城乡建设委员会", 74, 218, 448, 246.7), box("广州市来穗人员服务管理局", 72.7, 262, 448.7, 290.7)]
    pieces = [box("广州市仙房", 71.3, 221.3, 155.3, 250.0, confidence=0.676, tilt=0.065, under_seal=True),
              box("建设委员会", 204.0, 218.0, 286.7, 248.0, confidence=0.879, under_seal=True),
              box("广州市来穗人员服务管理局", 312.0, 222.0, 510.7, 245.3, confidence=0.89, under_seal=True),
              box("201年11月.23日", 335.3, 254.7, 468.0, 276.7, confidence=0.925, under_seal=True)]
    lexicon = ocr.sure_texts(header)
    snapped = ocr.snap(pieces, lexicon)
    assert [b.text for b in snapped] == ["广州市住房和城乡建设委员会", "广州市来穗人员服务管理局", "201年11月.23日"]
    assert (snapped[0].x0, snapped[0].x1) == (71.3, 286.7)
    # Not when the pieces are clear of a seal, nor when the gap holds another length of name.
    assert ocr.snap([replace(b, under_seal=False, confidence=0.99) for b in pieces[:2]], lexicon)[0].text == "广州市仙房"
    apart = ocr.snap([pieces[0], replace(pieces[1], x0=404.0, x1=486.7)], lexicon)
    assert [b.text for b in apart][1:] == ["建设委员会"]
    # Two organs signed side by side under red seals (yuejiaokao p.6) stay two, though the body
    # lists them in one run with 、 between them.
    organs = [box("广东省教育厅", 80, 500, 176, 516, confidence=0.93, under_seal=True),
              box("广东省发展和改革委员会", 192, 500, 368, 516, confidence=0.96, under_seal=True)]
    listed = ["各地级以上市教育局，广东省教育厅、广东省发展和改革委员会、广东省公安厅"]
    assert ocr.snap(organs, listed) == organs


def test_the_signature_under_nj_grey_seals_reads_as_printed(ocr_cache):
    # The image shows 南京市人力资源和社会保障局 and 南 京 市 财 政 局 under the two seals.
    path = real_pdf("NEG_scanned_nj_yanglao_baoxian_xize_tongzhi.pdf")
    needs_ocr()
    page, _, meta = first_page(path, ocr_cache)
    texts = [ln.text.replace(" ", "") for ln in page.lines]
    assert "南京市人力资源和社会保障局南京市财政局" in texts
    assert meta.date == "2015-05-28"


# -- small print is read from a finer rendering ---------------------------------------------------
def test_type_size_and_which_pages_are_read_again_finer(monkeypatch):
    # 13 characters a line; box heights as the detector draws them (15.7 pt on 16 pt type, 10.7 on 6).
    body = [box("第一条为了贯彻落实规划纲要", 80, 100 + 25 * i, 80 + 13 * 16, 115.7 + 25 * i) for i in range(5)]
    web = [box("第一条为了贯彻落实规划纲要", 80, 100 + 14 * i, 80 + 13 * 10, 112.5 + 14 * i) for i in range(5)]
    small = [box("第一条为了贯彻落实规划纲要", 80, 100 + 9 * i, 80 + 13 * 6, 110.7 + 9 * i) for i in range(5)]
    assert (ocr.type_size(body), ocr.type_size(web), ocr.type_size(small)) == (16.0, 10.0, 6.0)

    def no_render(*_a, **_k):
        raise AssertionError("a page in body type was rendered again")

    monkeypatch.setattr(ocr, "render", no_render)
    assert ocr.reread_small(None, 0, body) == body and ocr.reread_small(None, 0, web) == web
    with pytest.raises(AssertionError):
        ocr.reread_small(None, 0, small)
