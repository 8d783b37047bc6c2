"""The web-page importer: a report page saved from a portal into a ParsedReport.

A portal page is the article wrapped in chrome: menus, breadcrumbs, a metadata block (索引号,
发布机构 …), footers and scripts. This module decodes the page (a BOM, then ``<meta charset>``,
then detection), reads the metadata block, finds the article (the element that holds most of
the page's Chinese text outside links, preferring the tightest such element), turns it into
plain-text lines and real tables (rowspan/colspan expanded into a grid), and hands both to
:func:`reports.importers.text.parse_lines`, which does the rest exactly as for a text file.

Only text leaves this module: markup, scripts and attributes are dropped, so nothing of the
page can reach a rendered page as HTML.

lxml's HTML parser is used directly rather than through BeautifulSoup: it is the same parser,
and an order of magnitude faster on the bulk imports of whole archives.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from reports.importers.grids import RawTable, expand_spans, join_cell_parts
from reports.importers.metadata import (
    META_LABEL,
    apply_metadata,
    metadata_date,
    metadata_line_indexes,
    read_metadata,
    title_line,
)
from reports.importers.normalize import decode_bytes, normalize_text
from reports.importers.parsed import ParsedReport, UnreadableDocument
from reports.importers.text import parse_lines

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# GB2312 and GBK pages routinely use characters outside their declared set: read them as GB18030.
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "utf8": "utf-8"}


def looks_like_html(data: bytes) -> bool:
    """Whether bytes are a web page, whatever the file is called."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or (
        head.startswith(b"<")
        and any(t in data[:4096].lower() for t in (b"<body", b"<head", b"<div", b"<p>", b"<table"))
    )


def decode_html(data: bytes) -> str:
    """A page's text: a BOM first, then the declared ``<meta charset>``, then detection."""
    if not data or not data.strip():
        raise UnreadableDocument("文件为空")
    if data.startswith(_BOMS):
        return decode_bytes(data)
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        declared = _ENCODING_ALIASES.get(declared, declared)
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = ""
        if declared and declared != "utf-8":
            # A page saved again by an editor is often UTF-8 under its old GBK declaration: valid
            # UTF-8 with non-ASCII text is practically never GBK by chance.
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        if declared:
            try:
                return data.decode(declared)
            except UnicodeDecodeError:
                pass  # the declaration is wrong: detect
    return decode_bytes(data)


# --- Page structure ---------------------------------------------------------------------------

_DROP = frozenset(
    "script style noscript template iframe frame frameset object embed svg canvas button select "
    "textarea input option link meta head map area audio video source".split()
)
_BLOCK = frozenset(
    "p div section article main aside header footer nav h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote "
    "pre center address figure figcaption hr tr td th tbody thead tfoot caption form fieldset legend".split()
)
# Ids and classes that content-management systems give the article body.
_CONTENT_NAMES = frozenset(
    "zoom trs_editor article article-content articlecontent article_content content con zw main-text view "
    "detail ucap-content custom_unionstyle pages_content news_content xxgk_content text_content wzy_content "
    "contentbox con_text".split()
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CONTAINERS = frozenset("body div article section main td font span center form".split())
_MIN_ARTICLE = 30  # Chinese characters outside links
_SHARE = 0.7  # the article holds at least this share of the page's text outside links


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _own_text(el) -> Iterator[str]:
    if el.text:
        yield el.text
    for child in el:
        if child.tail:
            yield child.tail


def _cjk_counts(root) -> dict:
    """Element -> Chinese characters in it outside links, computed once bottom-up."""
    counts: dict = {}

    def visit(el, in_link: bool) -> int:
        tag = _tag(el)
        if not tag or tag in _DROP:
            return 0
        in_link = in_link or tag == "a"
        total = 0 if in_link else sum(len(_CJK.findall(t)) for t in _own_text(el))
        for child in el:
            total += visit(child, in_link)
        counts[el] = total
        return total

    visit(root, False)
    return counts


def _depth(el) -> int:
    depth = 0
    while el is not None:
        el, depth = el.getparent(), depth + 1
    return depth


def find_article(root):
    """The element holding the article: the tightest one with most of the page's text outside links."""
    counts = _cjk_counts(root)
    body = root.find("body") if root.find("body") is not None else root
    total = counts.get(body, 0)
    if total < _MIN_ARTICLE:
        return None
    named = [
        el
        for el in counts
        if el.get("id", "").lower() in _CONTENT_NAMES
        or _CONTENT_NAMES.intersection(el.get("class", "").lower().split())
    ]
    # A named content element wins when it holds the article (most of the text) …
    good = [el for el in named if counts[el] >= _SHARE * total]
    if not good:
        # … otherwise the tightest block that does.
        good = [el for el, n in counts.items() if n >= _SHARE * total and _tag(el) in _CONTAINERS]
    return max(good, key=_depth) if good else body


def _is_metadata_table(el) -> bool:
    text = " ".join(el.itertext())
    return len(META_LABEL.findall(text)) >= 2 and len(_CJK.findall(text)) < 400


# --- Text lines and tables of the article ----------------------------------------------------

_NEWLINE_IN_CJK = re.compile(
    r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])[ \t]*[\r\n]+[ \t]*(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])"
)
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


def _clean(text: str) -> str:
    """HTML whitespace rules: a source line break inside Chinese text is nothing, other runs one space."""
    return _WHITESPACE.sub(" ", _NEWLINE_IN_CJK.sub("", text.replace("\u2028", " ").replace("\u2029", " ")))


def _cell_text(el) -> str:
    parts: list[str] = []
    buf: list[str] = []

    def visit(node):
        tag = _tag(node)
        if not tag or tag in _DROP:
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("".join(buf))
            buf.clear()
        if node.text and tag != "br":
            buf.append(node.text)
        for child in node:
            visit(child)
            if child.tail:
                buf.append(child.tail)
        if tag in _BLOCK:
            parts.append("".join(buf))
            buf.clear()

    if el.text:
        buf.append(el.text)
    for child in el:
        visit(child)
        if child.tail:
            buf.append(child.tail)
    parts.append("".join(buf))
    return join_cell_parts(_clean(p) for p in parts)


def _span(el, name: str) -> int:
    try:
        return int(re.sub(r"\D", "", el.get(name, "1")) or 1)
    except ValueError:
        return 1


def _table_rows(table) -> list[list[tuple[str, int, int]]]:
    rows = []
    for tr in table.iter("tr"):
        # Rows of this table only, not of a table nested in one of its cells.
        parent = tr.getparent()
        if parent is not table and (parent is None or parent.getparent() is not table):
            continue
        cells = [(_cell_text(td), _span(td, "rowspan"), _span(td, "colspan")) for td in tr if _tag(td) in ("td", "th")]
        if cells:
            rows.append(cells)
    return rows


def _is_layout_table(table) -> bool:
    """A table used to lay out the page (nested tables, long paragraphs in cells), not a data table."""
    if table.find(".//table") is not None:
        return True
    return any(len(_CJK.findall(" ".join(td.itertext()))) > 300 for td in table.iter("td", "th"))


@dataclass
class _Article:
    lines: list[str] = field(default_factory=list)
    tables: list[tuple[int, list[list[tuple[str, int, int]]], str]] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = _clean("".join(self.buf)).strip()
        self.buf.clear()
        if text:
            self.lines.append(text)

    def visit(self, el) -> None:
        tag = _tag(el)
        if not tag or tag in _DROP:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            if not _is_metadata_table(el):
                caption = el.find("caption")
                text = _cell_text(caption) if caption is not None else ""
                rows = _table_rows(el)
                if rows:
                    self.tables.append((len(self.lines), rows, text))
            return
        if tag == "caption":
            return
        block = tag in _BLOCK or tag == "table"
        if block:
            self.flush()
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.visit(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.flush()


def _meta_title(root) -> str:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("articletitle", "title") and meta.get("content"):
            return meta.get("content").strip()
    return ""


# The <meta> tags the 政府网站发展指引 (国办发〔2017〕47号) asks of every government site's article
# pages: the site's 标识码 (its region's six-digit code and a serial number, or ``bm`` and a
# number for a central body), the article's 发布时间 and 来源, and its address.
_SITE_META = {"siteidcode": "site_code", "pubdate": "published_on", "contentsource": "source", "url": "url"}
_SITE_CODE = re.compile(r"^(?:(\d{6})\d{4}|(bm)\d{8})$", re.I)


def site_meta(root) -> dict[str, str]:
    out = {}
    for meta in root.iter("meta"):
        key = _SITE_META.get((meta.get("name") or "").strip().lower())
        value = (meta.get("content") or "").strip()
        if key and value and key not in out:
            out[key] = value[:300]
    return out


def site_region(site_code: str) -> str | None:
    """The region a site's 标识码 names: its first six digits, or the central level for ``bm…``."""
    from reports.regions.central import CENTRAL_CODE
    from reports.regions.names import region_index

    match = _SITE_CODE.match(site_code.strip())
    if not match:
        return None
    if match.group(2):
        return CENTRAL_CODE
    code = match.group(1)
    return code if region_index().knows(code) else None


def apply_site_meta(report: ParsedReport, meta: dict[str, str], *, region_given: bool = False) -> None:
    """What the page's site tags add: the 发布日期 when the page states none elsewhere, and the site's
    region as evidence — it decides between the places an ambiguous name could mean (普陀区 of 上海
    or of 舟山), and stands in, with a warning, when the text names no place at all."""
    if report.published_on is None and meta.get("published_on"):
        report.published_on = metadata_date(meta["published_on"])
    site = site_region(meta.get("site_code", ""))
    if site is None or region_given:
        return
    from reports.regions.codes import code_prefix
    from reports.regions.names import region_index

    index = region_index()
    if report.region_code is None and report.region_candidates:
        inside = [c for c in report.region_candidates if c.startswith(code_prefix(site)) or c == site]
        if len(inside) == 1:
            report.region_code, report.region_candidates = inside[0], ()
            report.warnings.append(
                f"地名有多处同名,按网页的网站标识码({index.full_name(site)}的网站)确定为{index.full_name(inside[0])}"
            )
    elif report.region_code is None:
        report.region_code = site
        report.warnings.append(
            f"正文未写明所属地区,按网页的网站标识码取为{index.full_name(site)}(网站所属地区):请核对,"
            "区县或部门的报告可能发布在上级政府网站上"
        )


def _page_title(root) -> str:
    """The part of the <title> that reads as a document title (site names are cut off)."""
    title = root.find(".//title")
    if title is not None and title.text:
        for part in re.split(r"\s*[_|\-–—]+\s*", title.text.strip()):
            if title_line([part]):
                return part
    return ""


def _heading_title(root, article) -> str:
    """A heading above the article that reads as the document's title."""
    for el in root.iter("h1", "h2", "h3"):
        if el is article or article in el.iterancestors():
            continue
        text = _clean(" ".join(el.itertext())).strip()
        if 4 <= len(text) <= 80 and title_line([text]):
            return text
    return ""


def parse_html(
    data: bytes,
    *,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one saved web page. Options given by the caller override what the page says."""
    text = _XML_DECLARATION.sub("", decode_html(data))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument("无法解析网页内容") from exc

    meta_title, page_title = _meta_title(root), _page_title(root)
    site = site_meta(root)
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    body = root.find("body") if root.find("body") is not None else root
    metadata = read_metadata([t.strip() for t in body.itertext() if t.strip()])
    article = find_article(root)
    if article is None:
        raise UnreadableDocument("网页中未找到正文(页面只有导航、链接或图片,可能是栏目页而不是报告页)")
    title = meta_title or _heading_title(root, article) or page_title

    collected = _Article()
    collected.visit(article)
    collected.flush()

    # Normalise every piece of text in one pass: the Traditional-to-Simplified conversion is the
    # costly part, and one long string converts much faster than hundreds of short ones.
    pieces = [title, *collected.lines]
    for _, rows, caption in collected.tables:
        pieces.append(caption)
        pieces.extend(cell for row in rows for cell, _, _ in row)
    pieces.extend(metadata.values())
    normalised = iter(normalize_text("\n".join(p.replace("\n", " ") for p in pieces)).split("\n"))
    title = next(normalised)
    lines = [next(normalised) for _ in collected.lines]
    tables = []
    for position, rows, _ in collected.tables:
        caption = next(normalised)
        grid_rows = [[(next(normalised), rs, cs) for _, rs, cs in row] for row in rows]
        kept = sum(1 for line in lines[:position] if line)
        tables.append(RawTable(expand_spans(grid_rows), kept, caption))
    metadata = {k: next(normalised) for k in metadata}

    lines = [line for line in lines if line]
    lines = _drop_metadata_lines(lines, tables)
    if title and not title_line(lines[:1]) and (not lines or lines[0] != title):
        lines.insert(0, title)
        for table in tables:
            table.position += 1
    if not lines:
        raise UnreadableDocument("网页中未找到正文")

    report = parse_lines(
        lines,
        filename=filename,
        year=year,
        kind=kind,
        region_code=region_code,
        raw_tables=tables,
        publisher_hint=metadata.get("publisher", ""),
    )
    apply_metadata(report, metadata)
    apply_site_meta(report, site, region_given=region_code is not None)
    if site.get("url", "").startswith(("http://", "https://")):
        report.metadata.setdefault("url", site["url"])
    report.source_format = "html"
    return report


def _drop_metadata_lines(lines: list[str], tables: list[RawTable]) -> list[str]:
    """Lines of a metadata block that sits inside the article (索引号:… 发布日期:…) are not text."""
    drop = set(metadata_line_indexes(lines))
    if not drop:
        return lines
    for table in tables:
        table.position -= sum(1 for i in drop if i < table.position)
    return [line for i, line in enumerate(lines) if i not in drop]
