"""kb/font_repair.py: a broken font's punctuation in full-width boxes, on pdfplumber characters.

No file of ../shared/real has the class (its ASCII symbols between Chinese characters are real:
《…<劳动合同法>…》 in half-width boxes), so the characters are written here as pdfplumber gives
them: one em wide for a full-width glyph, about a third of an em for a Latin one.
"""
from __future__ import annotations

from kb.font_repair import repair_chars

SIZE = 14.0


def line(text: str, top: float, fonts: dict[str, str] | None = None, narrow: str = "", x: float = 80.0):
    """Characters of one line; characters in ``fonts`` get that font, those in ``narrow`` a Latin width."""
    out = []
    for ch in text:
        w = SIZE * 0.33 if ch in narrow else SIZE
        font = (fonts or {}).get(ch, "SimSun")
        out.append({"text": ch, "x0": x, "x1": x + w, "top": top, "bottom": top + SIZE, "size": SIZE,
                    "fontname": font, "upright": True})
        x += w
    return out


def text(chars) -> str:
    return "".join(c["text"] for c in chars)


def test_full_width_ascii_signs_become_their_full_width_forms():
    chars = line("申请人应当提交下列材料,身份证明;居住证明:", 100)
    fixed, n = repair_chars(chars)
    assert text(fixed) == "申请人应当提交下列材料，身份证明；居住证明："
    assert n == 3
    assert text(chars) == "申请人应当提交下列材料,身份证明;居住证明:"  # the input is not changed


def test_real_ascii_is_left_alone():
    # Half-width ASCII between Chinese characters (《…<劳动合同法>…》) and a Latin face's punctuation.
    half = line("修改<中华人民共和国劳动合同法>的决定", 100, narrow="<>")
    assert repair_chars(half) == (half, 0)
    latin = line("见Fig.1,第二行", 120, fonts={c: "Times" for c in "Fig.1,"})
    assert repair_chars(latin)[1] == 0


def test_a_symbol_only_font_is_read_by_where_its_glyphs_stand():
    """'!' ends the paragraphs (lines that stop short): 。; '#' is the most used of the rest: ，."""
    sym = {"!": "F3", "#": "F3", "$": "F3"}
    page = (
        line("第一条为了规范居住证管理#保障来京人员合法权益#提高人口服务管理水平#根据有关", 100, sym)
        + line("法律法规#结合本市实际#制定本办法!", 120, sym)
        + line("第二条本办法适用于本市行政区域内居住证的申领#签注#变更和注销等管理服务$以及", 140, sym)
        + line("与居住证有关的公共服务提供!", 160, sym)
    )
    fixed, _ = repair_chars(page, right_edge=80 + 40 * SIZE)
    out = text(fixed)
    assert "制定本办法。" in out and "公共服务提供。" in out
    assert "管理，保障来京人员合法权益，提高" in out
    assert "管理服务$以及" in out  # too rare to read: left as it is (and flagged)


def test_real_ascii_between_chinese_stays_in_a_real_pdf():
    """hz_yibao's text layer (pdftotext) cites 《惠州市人民政府关于印发<惠州市社会基本医疗保险
    办法>的通知》 with half-width angle brackets: real ASCII, to be kept as it is, with no warning."""
    from kb.parse import parse_pdf
    from tests.conftest import real_pdf

    doc = parse_pdf(real_pdf("hz_yibao_tiaozheng_2016_hf57.pdf"))
    text = "".join(p.text for s in doc.walk() for p in s.paragraphs)
    assert "印发<惠州市社会基本医疗保险办法>的通知" in text
    assert not any("broken font" in w for w in doc.warnings)
