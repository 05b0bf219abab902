"""kb export: REF resolution, the exported section and nothing else, each format, -o/--force."""
from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import EVAL, EVAL_ID, PLAN_ID
from kb.errors import AmbiguousRefError, NotFoundError, OutputExistsError
from kb.export import citation, citation_text, to_docx, to_json, to_markdown, to_text, write_output
from kb.refs import Target, resolve_ref
from kb.store import Store

CH5_TITLES = [
    (1, "第五章 重点领域"),
    (2, "（一）加快发展的服务外包行业"),
    (2, "（二）重点突破的服务外包行业"),
    (2, "（三）着力培育的服务外包行业"),
    (2, "（四）继续推进的服务外包独优业态"),
]
CH5_FIRST = ("“十二五”期间确定苏州服务外包重点发展三大类十个重点行业，加快发展已具备一定发展基础和规模实力的优势行业，"
             "注重提升高端。重点突破潜力巨大的服务外包领域，聚焦关键环节。着力培育代表未来服务外包发展方向的新兴领域，"
             "突出示范引领。继续推进跨国公司共享服务中心等独优业态，重在突显优势。")
CH5_LAST_END = "尤其是吸引其设立“共享服务中心”。"
CH6_FIRST = "依托苏州城市发展规划和产业空间布局"
CH5_CITATION = ("来源：市政府关于印发苏州市服务外包产业“十二五”发展规划的通知（苏府〔2011〕159号） · "
                "苏州市服务外包产业“十二五”发展规划 > 第五章 重点领域 · PDF 第13–16页 · "
                f"{PLAN_ID}/ch5")
S6_CITATION = (f"来源：{EVAL_ID} · 附件1 {EVAL_ID} > 一、示范城市综合评价情况 > （六）问卷调查显示企业满意度提升 · "
               f"PDF 第4页 · {EVAL_ID}/p1/s6")
S6_PARAGRAPHS = [
    "问卷调查共收到5085家企业的反馈，31个示范城市问卷调查平均得分为7.97分，较2016年度略有提高，共有17个城市超过平均值。"
    "乌鲁木齐的问卷调查得分最高，为9.56分。结果显示，93%的企业对所在地政府在审批效率、办事流程、清理收费、政务公开等"
    "营商环境的总体评价较好；91.8%的企业对当地发展服务外包的基础设施的满意度较高；85.3%的企业认为当地政府在资金、技术、"
    "人才、便利化等方面政策支持效果较好；72.5%的企业参加了政府部门或行业协会组织的境内外服务外包展会或交易会。",
    "总的来看，示范城市服务外包产业发展成就斐然，但地区间发展不平衡不充分的问题依然存在，综合评价前10位的示范城市中有9个"
    "来自东部；个别示范城市对服务外包的重视程度下降，支持力度减弱，综合评价排名连年下滑；此外，部分示范城市产业结构单一，"
    "融合发展步伐较慢，转型升级仍需付出持久的努力。",
]


@pytest.fixture(scope="module")
def snap(corpus_index):
    return Store(corpus_index).snapshot()


def _target(snap, ref, doc=None) -> Target:
    return resolve_ref(snap, ref, doc)


# -- REF -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ref, doc, expected", [
    (f"{PLAN_ID}/ch5/s2", None, f"{PLAN_ID}/ch5/s2"),
    ("ch5/s2", "苏州", f"{PLAN_ID}/ch5/s2"),
    ("ch5/s2", None, f"{PLAN_ID}/ch5/s2"),  # only the plan has a ch5/s2
    ("第五章", None, f"{PLAN_ID}/ch5"),
    ("重点领域", None, f"{PLAN_ID}/ch5"),
    ("第五章 重点领域", None, f"{PLAN_ID}/ch5"),
    ("问卷调查显示企业满意度提升", None, f"{EVAL_ID}/p1/s6"),
    ("一、（六）", None, f"{EVAL_ID}/p1/s6"),
    ("二、（一）", "2017", f"{EVAL_ID}/p2/s1"),
    ("（六）", "2017", f"{EVAL_ID}/p1/s6"),
    ("企业满意度", None, f"{EVAL_ID}/p1/s6"),
    ("（二十）", None, f"{PLAN_ID}/appendix/s20"),
])
def test_ref_names_a_section(snap, ref, doc, expected):
    target = _target(snap, ref, doc)
    assert target.section is not None and target.section.id == expected


@pytest.mark.parametrize("ref, expected", [
    (PLAN_ID, PLAN_ID),
    ("苏府〔2011〕159号", PLAN_ID),
    ("2017", EVAL_ID),
])
def test_ref_names_a_whole_document(snap, ref, expected):
    target = _target(snap, ref)
    assert target.section is None and target.document.id == expected


def test_ambiguous_ref_lists_every_candidate(snap):
    with pytest.raises(AmbiguousRefError) as info:
        _target(snap, "（五）")
    assert str(info.value) == "'（五）' is ambiguous: 5 matches"
    assert [c.split("  ")[0] for c in info.value.candidates] == [
        f"{EVAL_ID}/p1/s5", f"{EVAL_ID}/p2/s5", f"{PLAN_ID}/ch7/s5", f"{PLAN_ID}/ch8/s5", f"{PLAN_ID}/appendix/s5",
    ]
    assert info.value.candidates[0] == (f"{EVAL_ID}/p1/s5  附件1 {EVAL_ID} > 一、示范城市综合评价情况 > "
                                        "（五）专家评审肯定示范城市的工作成效  p.3-4")


@pytest.mark.parametrize("ref, doc, message", [
    ("第十章", None, "no section or document matches '第十章' in 2 documents"),
    ("第五章", "2017", f"no section or document matches '第五章' in document {EVAL_ID}"),
])
def test_unknown_ref(snap, ref, doc, message):
    # The library states the fact and what was looked for; the CLI says where to look (test_cli_export_errors).
    with pytest.raises(NotFoundError) as info:
        _target(snap, ref, doc)
    assert (str(info.value), info.value.what, info.value.ref) == (message, "section", ref)


# -- the content -----------------------------------------------------------------------------
def test_chapter_five_text_has_its_four_parts_and_nothing_of_chapter_six(snap):
    text = to_text(_target(snap, "第五章"))
    blocks = text.rstrip("\n").split("\n\n")
    heads = [title for _, title in CH5_TITLES]
    assert [b for b in blocks if b in heads] == heads
    assert blocks[0] == "第五章 重点领域" and blocks[1] == CH5_FIRST
    assert blocks[-2].endswith(CH5_LAST_END) and blocks[-2].startswith("跨国公司共享服务中心。")
    assert blocks[-1] == CH5_CITATION
    assert len(blocks) == 5 + 12 + 1  # headings, paragraphs, citation
    assert "第六章" not in text and CH6_FIRST not in text


def test_evaluation_one_six_is_exactly_that_part(snap):
    text = to_text(_target(snap, "一、（六）"))
    assert text == "\n\n".join(["（六）问卷调查显示企业满意度提升", *S6_PARAGRAPHS, S6_CITATION]) + "\n"


def _markdown_blocks(md: str):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    tokens = MarkdownIt().use(footnote_plugin).parse(md)
    heads, paras, quote, depth = [], [], [], 0
    for i, tok in enumerate(tokens):
        depth += tok.nesting if tok.type.startswith("blockquote") else 0
        if tok.type == "heading_open":
            heads.append((int(tok.tag[1]), tokens[i + 1].content))
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            text = "".join(c.content for c in tok.children if c.type == "text")
            (quote if depth else paras).append(text)
    return heads, paras, quote, tokens


def test_markdown_parses_back_to_the_same_headings_and_paragraphs(snap):
    target = _target(snap, "第五章")
    heads, paras, quote, _ = _markdown_blocks(to_markdown(target))
    assert heads == CH5_TITLES
    assert paras == [p.text for s in target.section.walk() for p in s.paragraphs]
    assert quote == [CH5_CITATION]


def test_markdown_leads_are_bold(snap):
    md = to_markdown(_target(snap, "（一）加快发展的服务外包行业"))
    assert "\n\n**软件开发外包**。软件开发外包已成为" in md


def test_markdown_footnote_is_a_markdown_footnote(snap):
    md = to_markdown(_target(snap, EVAL_ID))
    assert "指标数据采用无量纲化法进行处理[^1]；专家评审" in md
    _, _, _, tokens = _markdown_blocks(md)
    refs = [c for t in tokens if t.type == "inline" for c in t.children if c.type == "footnote_ref"]
    assert [r.meta["id"] for r in refs] == [0]
    defs = [t for t in tokens if t.type == "footnote_open"]
    assert len(defs) == 1
    assert ("\n\n[^1]: 指标数据无量纲化处理是为消除不同指标之间量纲和数量级的差异，保留了各指标数据取值差异程度上的信息，"
            "实现了不同指标数据的一致化和可比性。\n\n") in md


def test_docx_holds_the_same_headings_and_paragraphs(snap):
    import docx

    target = _target(snap, "第五章")
    out = docx.Document(io.BytesIO(to_docx(target)))
    heads = [(int(p.style.name.split()[-1]), p.text) for p in out.paragraphs if p.style.name.startswith("Heading")]
    assert heads == CH5_TITLES
    body = [p.text for p in out.paragraphs if p.style.name == "Normal"]
    assert body == [p.text for s in target.section.walk() for p in s.paragraphs]
    assert [p.text for p in out.paragraphs if p.style.name == "KB Citation"] == [CH5_CITATION]
    assert out.core_properties.title == "第五章 重点领域"
    lead = out.paragraphs[3].runs[0]
    assert (lead.text, lead.bold) == ("软件开发外包", True)


def test_docx_footnote_is_a_superscript_number_and_a_note(snap):
    import docx

    out = docx.Document(io.BytesIO(to_docx(_target(snap, EVAL_ID))))
    marks = [r.text for p in out.paragraphs for r in p.runs if r.font.superscript]
    assert marks == ["1"]
    assert [p.text for p in out.paragraphs if p.style.name == "KB Note"] == [
        "[1] 指标数据无量纲化处理是为消除不同指标之间量纲和数量级的差异，保留了各指标数据取值差异程度上的信息，实现了不同指标数据的一致化和可比性。"
    ]


def test_json_is_the_section_tree_with_its_citation(snap):
    record = to_json(_target(snap, "第五章"))
    assert record["kind"] == "section"
    assert record["citation"] == {
        "doc_id": PLAN_ID, "title": "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
        "doc_number": "苏府〔2011〕159号", "section_id": f"{PLAN_ID}/ch5",
        "heading_path": ["苏州市服务外包产业“十二五”发展规划", "第五章 重点领域"],
        "pages": [13, 16], "printed_pages": ["13", "16"], "ocr_pages": [], "text": CH5_CITATION,
        # The notice (p.1) publishes the plan, which numbers this chapter 第五章 (p.13).
        "standard": "苏州市人民政府《市政府关于印发苏州市服务外包产业“十二五”发展规划的通知》（苏府〔2011〕159号，"
                    "2011年8月11日）印发的《苏州市服务外包产业“十二五”发展规划》第五章",
        "path": None,  # to_json alone does not know the index; export() gives the PDF's path
    }
    [root] = record["sections"]
    assert [c["title"] for c in root["children"]] == [t for _, t in CH5_TITLES[1:]]
    assert [len(c["paragraphs"]) for c in [root, *root["children"]]] == [1, 6, 2, 2, 1]
    assert root["paragraphs"][0] == {"text": CH5_FIRST, "kind": "text", "pages": [13, 13], "lead": None, "footnotes": [],
                                     "ocr": False, "ocr_confidence": None}


def test_whole_document_citation(snap):
    c = citation(_target(snap, EVAL_ID))
    assert citation_text(c) == f"来源：{EVAL_ID} · 全文 · PDF 第1–7页 · {EVAL_ID}"


# -- writing ---------------------------------------------------------------------------------
def test_write_output_refuses_an_existing_file_unless_forced(tmp_path):
    out = tmp_path / "x.md"
    write_output(out, "一")
    # The library names the file and the fact; the CLI adds "add --force" (test_cli_export_to_a_file_and_force).
    with pytest.raises(OutputExistsError, match="already exists$") as err:
        write_output(out, "二")
    assert err.value.path == str(out)
    assert out.read_text(encoding="utf-8") == "一"
    write_output(out, "三", force=True)
    assert out.read_text(encoding="utf-8") == "三"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]  # no temp file left behind


# -- CLI -------------------------------------------------------------------------------------
def run(index, *args):
    return CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=False)


def test_cli_export_to_stdout_plain_and_json(corpus_index, snap):
    text = run(corpus_index, "export", "一、（六）", "--format", "text")
    assert text.exit_code == 0
    assert text.output == to_text(_target(snap, "一、（六）"))
    md = run(corpus_index, "export", "问卷调查显示企业满意度提升")
    assert md.exit_code == 0
    assert md.output == "\n\n".join(["# （六）问卷调查显示企业满意度提升", *S6_PARAGRAPHS, "> " + S6_CITATION]) + "\n"
    as_json = run(corpus_index, "export", "p1/s6", "--doc", "2017", "--format", "json")
    assert as_json.exit_code == 0
    expected = to_json(_target(snap, "一、（六）"))
    expected["citation"]["path"] = str(EVAL.resolve())
    assert json.loads(as_json.output) == expected


def test_cli_export_to_a_file_and_force(corpus_index, tmp_path):
    out = tmp_path / "ch5.docx"
    first = run(corpus_index, "export", "第五章", "-o", str(out))
    assert first.exit_code == 0
    assert first.output == f"wrote {out} (docx): 第五章 重点领域, 5 sections, 12 paragraphs\n"
    size = out.stat().st_size
    again = run(corpus_index, "export", "第五章", "--format", "md", "-o", str(out))
    assert (again.exit_code, again.output) == (2, f"Error: {out}: already exists; add --force to overwrite it\n")
    assert out.stat().st_size == size
    forced = run(corpus_index, "export", "第五章", "--format", "md", "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# 第五章 重点领域\n\n“十二五”期间")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ch5.docx"]


def test_cli_docx_needs_a_file(corpus_index):
    result = run(corpus_index, "export", "第五章", "--format", "docx")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: --format docx writes a binary file: give -o FILE.docx"


def test_cli_ambiguous_ref_lists_candidates_and_exits_2(corpus_index):
    result = run(corpus_index, "export", "（八）")
    assert result.exit_code == 2
    assert result.output == (
        "Error: '（八）' is ambiguous: 2 matches\n"
        f"  {PLAN_ID}/ch8/s8  苏州市服务外包产业“十二五”发展规划 > 第八章 专项工程 > （八）政府“公共服务外包”工程  p.31\n"
        f"  {PLAN_ID}/appendix/s8  苏州市服务外包产业“十二五”发展规划 > 附录：概念解释 > （八）知识流程服务外包  p.36-37\n"
    )


@pytest.mark.parametrize("args, code, message", [
    (["export", "第十章"], 1, "Error: no section or document matches '第十章' in 2 documents; `kb outline DOC` lists the sections\n"),
    (["export", "第五章", "-o", "/nonexistent-dir/x.md"], 2, "Error: /nonexistent-dir/x.md: cannot write, the directory /nonexistent-dir does not exist\n"),
])
def test_cli_export_errors(corpus_index, args, code, message):
    result = run(corpus_index, *args)
    assert (result.exit_code, result.output) == (code, message)  # nothing matches: 1; an error: 2


def test_json_flag_is_format_json(corpus_index):
    from click.testing import CliRunner

    from cli import cli

    runner = CliRunner()
    base = ["--index", str(corpus_index), "export", "ch5/s4", "--doc", "苏州"]
    flag = runner.invoke(cli, base + ["--json"])
    fmt = runner.invoke(cli, base + ["--format", "json"])
    assert flag.exit_code == 0 and flag.output == fmt.output
    assert json.loads(flag.output)["citation"]["section_id"].endswith("/ch5/s4")
    clash = runner.invoke(cli, base + ["--json", "--format", "md"])
    assert clash.exit_code == 2 and "--json and --format md disagree" in clash.output


def test_an_option_is_named_as_the_caller_names_it(corpus_index):
    # The library names its keyword (sentence=, fmt=); the CLI its flag (--sentence, --format).
    from kb.errors import OptionError
    from kb.export import export, format_for

    with pytest.raises(NotFoundError) as info:
        export(corpus_index, "第五章", sentence=999)
    assert isinstance(info.value, OptionError) and info.value.option == "sentence"
    assert str(info.value).endswith("; sentence 999 is not one of them")
    result = run(corpus_index, "export", "第五章", "--sentence", "999")
    assert result.exit_code == 1 and result.stderr.endswith("; --sentence 999 is not one of them\n")
    assert result.stderr.removeprefix("Error: ").replace("--sentence", "sentence") == str(info.value) + "\n"
    with pytest.raises(OptionError, match=r"names no export format .*; give fmt$"):
        format_for(None, "ch5.pdf")


# -- numbered paragraphs run in, as the page prints them -------------------------------------
def test_a_numbered_paragraph_keeps_its_number_on_its_sentence():
    # hz's notice prints "四、本通知自 2016 年 5 月 1 日起施行。" on one line (p.2); the law prints
    # "第一条　为了完善劳动合同制度，…". A new user got "四、" and "## 第一条" alone on a line.
    from conftest import parsed_real
    from kb.refs import Target

    hz = parsed_real("hz_yibao_tiaozheng_2016_hf57")
    text = to_text(Target(hz, None))
    assert "\n\n四、本通知自2016年5月1日起施行。\n\n" in text
    assert "\n\n一、调整职工生育津贴的计算天数\n\n" in text  # a titled item keeps its heading line
    law = parsed_real("laodong_hetong_fa_2012_xz")
    md = to_markdown(Target(law, law.sections[0].children[0]))
    assert md.startswith("# 第一章 总则\n\n**第一条** 为了完善劳动合同制度，明确劳动合同双方当事人")
    assert "\n# 第一条" not in md and "\n## 第一条" not in md
