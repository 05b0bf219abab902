"""A web print's site chrome that the line rules of clean.py leave in the body.

clean.label_pages already makes furniture of a web print's URL header, ``N of M`` footer,
menus with ``|``, lines set small and the site's named boxes (``WEB_UI``). What it leaves are
chrome lines set at body size and without those marks; the layout around them gives them away
(survey of the eleven web prints in ../shared/real):

* **above the site's menus** on page 1: whatever stands above the first chrome line in the top
  third of the page (the
  weather box and partner links of wh_wsjs ``北京今天26℃～36℃``, ``国家卫生计生委``). A page's
  content never comes before the site's own menu;
* **between chrome lines**: a short run (≤ 3 lines) whose neighbours above and below are both
  chrome, near them (gd_yiwu's menu row ``旅游广东`` wrapped under the menu, the sidebar
  ``政务微博导航…热词…`` merged between the menu and the 索引号 box; sz_shaoer's
  ``…管理局主办`` between the ICP line and the copyright). A title (larger type) is never taken;
* **after the site footer** (版权所有, ICP备, Copyright, 主办：, 联系我们) on the last page: the
  rest of that page, when it is a few lines (the address, "您是第…位访问者");
* **link rows**: three or more short items split by ``-``, ``|`` or ``·`` and no sentence
  (``关于我们-版权保护-隐私声明-网站帮助-网站导航``); a site button anywhere in a line
  (打印本页, 内容纠错, 收藏本站 …); a breadcrumb (``…位置：首页>信息公开>…``); a line that
  is two or more fields of the page's info box (信息索取号：… 公开类型：… 生成日期：…).

They become ``FURNITURE`` like the rest of the chrome: kept beside the text, not deleted.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import BODY, FURNITURE, Line, Page
from .text import RULE_LINE  # the 分隔线 under a 发文字号 is the document's


_BUTTON = re.compile(r"打印本页|打印页面|关闭窗口|收藏本站|收藏本页|加入收藏|内容纠错|我要分享|【纠错】|\[纠错\]|返回顶部")
_CRUMB = re.compile(r"(?:首页|主页)\s*(?:>{1,2}|»|＞)\s*\S")
_FIELD = re.compile(r"(?:发布日期|生成日期|公开类型|信息索取号|索取号|信息来源|发布时间|点击数|阅读次数|浏览次数|发布机构)[:：]")
_FOOTER = re.compile(r"版权所有|ICP备|[Cc]opyright|All Rights Reserved|^主办[:：]|联系我们")
_SPLIT = re.compile(r"\s*[-|｜·]\s*")
_SENTENCE = re.compile(r"[，。；！？,;]")
SANDWICH = 3  # at most this many lines between two chrome lines
NEAR = 4.0  # neighbours within this many type sizes, top to top


def _link_row(text: str) -> bool:
    pieces = [p for p in _SPLIT.split(text.strip()) if p]
    return len(pieces) >= 3 and all(len(p) <= 12 for p in pieces) and not _SENTENCE.search(text)


def chrome_line(text: str) -> bool:
    """A line that is the site's and not the document's, whatever its size or place."""
    return bool(_BUTTON.search(text) or _CRUMB.search(text) or len(_FIELD.findall(text)) >= 2 or _link_row(text))


def _browser(ln: Line, page: Page) -> bool:
    # The browser's own header and footer lines: they bound every page, not the site's chrome.
    return ln.top < page.height * 0.06 or ln.top > page.height * 0.92


def label_chrome(pages: list[Page], size: float, title_ratio: float = 1.14) -> list[Page]:
    """``pages`` (a web print, labelled) with the chrome described above made furniture."""
    out = []
    last = len(pages)
    for p in pages:
        lines = list(p.lines)
        chrome = [ln.label == FURNITURE and not _browser(ln, p) and not RULE_LINE.match(ln.text) for ln in lines]
        for k, ln in enumerate(lines):
            if ln.label == BODY and chrome_line(ln.text):
                chrome[k] = True
        body = [k for k, ln in enumerate(lines) if ln.label == BODY]
        if p.number == 1:
            # Only a menu at the top of the page: a page-1 footer would take the whole text.
            first = next((k for k, c in enumerate(chrome) if c), None)
            if first is not None and lines[first].top < p.height / 3:
                for k in body:
                    if k < first:
                        chrome[k] = True
        _sandwiched(lines, chrome, size, title_ratio)
        if p.number == last:
            start = next((k for k, ln in enumerate(lines) if chrome[k] and _FOOTER.search(ln.text)), None)
            if start is not None:
                rest = [k for k in range(start + 1, len(lines)) if lines[k].label == BODY and not chrome[k]]
                if len(rest) <= 4:
                    for k in rest:
                        chrome[k] = True
        out.append(replace(p, lines=tuple(
            replace(ln, label=FURNITURE) if chrome[k] and ln.label == BODY else ln for k, ln in enumerate(lines))))
    return out


def _sandwiched(lines: list[Line], chrome: list[bool], size: float, title_ratio: float) -> None:
    """Mark runs of up to ``SANDWICH`` body lines that chrome lines close in above and below."""
    k = 0
    while k < len(lines):
        if chrome[k] or lines[k].label != BODY:
            k += 1
            continue
        j = k
        while j < len(lines) and not chrome[j] and lines[j].label == BODY:
            j += 1
        run = range(k, j)
        if 0 < k and j < len(lines) and chrome[k - 1] and chrome[j] and len(run) <= SANDWICH:
            seq = [lines[k - 1], *(lines[i] for i in run), lines[j]]
            near = all(0 <= b.top - a.top <= NEAR * max(size, a.size) for a, b in zip(seq, seq[1:]))
            if near and all(lines[i].size < size * title_ratio for i in run):
                for i in run:
                    chrome[i] = True
        k = j
