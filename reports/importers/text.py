"""The plain-text importer, and the detection helpers the HTML and DOCX importers share.

:func:`parse_text` turns one document's bytes into a :class:`ParsedReport`: decode, normalise,
find the title, kind, year, edition, publisher, region and signature date, split the numbered
parts, and read the standard tables where the text carries them (flattened ``|`` cells).
Everything below works on lists of lines or on plain strings, so an importer that gets its
paragraphs and table cells from elsewhere can call the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from reports import format as fmt
from reports.format.values import is_value
from reports.importers.cells import is_table_cell, read_table, resembles_label, split_label_numbers, table_name
from reports.importers.grids import Grid, RawTable, classify_grid, grid_rows, grid_texts, read_grid
from reports.importers.labels import (
    column_vocabulary,
    holds_table,
    is_label_piece,
    row_names,
    standard_tables_in,
    table_evidence,
    vocabulary,
)
from reports.importers.metadata import (
    ANNUAL_REPORT,
    GUIDE,
    HEADING,
    KINDS,
    OTHER,
    WORK_PLAN,
    apply_metadata,
    chinese_number,
    detect_edition,
    detect_kind,
    detect_region,
    detect_year,
    find_signature,
    metadata_line_indexes,
    publisher_of,
    read_metadata,
    region_places,
    title_from_opening,
    title_of,
)
from reports.importers.normalize import decode_bytes, label_key, normalize_text, strip_numbering, text_warnings
from reports.importers.parsed import ParsedFreeTable, ParsedReport, ParsedSection, UnreadableDocument

# Words in the headings of an old (2008 条例) report; the 2019/2021 parts come from format.PARTS.

# --- Sections -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    line: int
    number: str
    heading: str

    @property
    def value(self) -> int:
        return chinese_number(self.number) or 0


def heading_candidates(lines: Sequence[str]) -> list[Heading]:
    """Lines that read as a top-level heading: 一、总体情况, short, alone on the line, not a table cell."""
    found = []
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if not m or "|" in line or "。" in m["text"].rstrip("。"):
            continue
        if len(split_label_numbers(line)) > 2:  # a table row flattened onto its line: 一、本年新收… 3 0 3
            continue
        found.append(Heading(i, m["num"], re.sub(r"[。::]+$", "", m["text"]).strip()))
    return found


def find_headings(lines: Sequence[str], parts: Mapping[str, tuple[str, ...]] | None = None) -> list[Heading]:
    """The top-level headings, numbered 一, 二, 三 … in order.

    ``parts`` (number -> words) helps when a table repeats a numbering (四、结转下年度继续办理 inside
    part 三): among the lines with the expected number, the first one that has its part's words wins.
    """
    candidates = heading_candidates(lines)
    chosen: list[Heading] = []
    expected, after = 1, -1
    while True:
        same = [h for h in candidates if h.line > after and h.value == expected]
        if not same:
            # A part left out (no 二 in the text): the next number counts only with its part's words.
            later = [h for h in candidates if h.line > after and h.value == expected + 1]
            words = (parts or {}).get(later[0].number, ()) if later else ()
            same = [h for h in later if any(w in h.heading for w in words)]
            if not same:
                return chosen
        words = (parts or {}).get(same[0].number, ())
        pick = next((h for h in same if any(w in h.heading for w in words)), same[0])
        chosen.append(pick)
        expected, after = pick.value + 1, pick.line


def split_sections(lines: Sequence[str], parts: Mapping[str, tuple[str, ...]] | None = None) -> list[ParsedSection]:
    """Sections at the top-level headings; the text before the first one is a preamble (number "")."""
    headings = find_headings(lines, parts)
    sections: list[ParsedSection] = []
    first = headings[0].line if headings else len(lines)
    preamble = _body(lines[:first])
    if preamble:
        sections.append(ParsedSection("", "", preamble))
    for k, h in enumerate(headings):
        end = headings[k + 1].line if k + 1 < len(headings) else len(lines)
        sections.append(ParsedSection(h.number, h.heading, _body(lines[h.line + 1 : end])))
    return sections


def _body(lines: Iterable[str]) -> str:
    return "\n".join(line.strip() for line in lines if line.strip())


PART_WORDS: dict[str, tuple[str, ...]] = {p.number: p.match for p in fmt.PARTS}


# --- Tables in flattened text -------------------------------------------------------------------


def split_cells(lines: Iterable[str]) -> list[str]:
    """The cells of flattened ``|`` lines; empty pieces are colspan leftovers, not blank cells.

    A piece that carries a label and its numbers separated by spaces (``行政许可 39908``) gives
    one cell each.
    """
    return [
        cell
        for line in lines
        if not _MARKDOWN_RULE.match(line)
        for piece in line.split("|")
        if piece.strip()
        for cell in split_label_numbers(piece.strip())
    ]


# The line under a markdown table's head: |---|:---:|
_MARKDOWN_RULE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?$")


def take_table_lines(body: str, table: fmt.Table) -> tuple[list[str], list[str]]:
    """Split a part's body into the lines that are cells of ``table`` and the prose around them."""
    # The other edition's column labels too: a header the table does not have is still its header,
    # and the reader names it rather than leaving it in the prose.
    vocab = vocabulary(table) | column_vocabulary(table.code)
    lines = [line for line in body.split("\n") if line]
    is_cell = [is_table_cell(line, table, vocab) for line in lines]
    for i, line in enumerate(lines):
        # A short line between two cells that closely resembles a label is a misprinted label
        # (2.其他法律行政止公开); the table reader names it when it reads its row.
        if not is_cell[i] and 0 < i < len(lines) - 1 and is_cell[i - 1] and is_cell[i + 1]:
            is_cell[i] = len(line) <= 40 and "。" not in line and resembles_label(line, vocab)
        # The rest of a label wrapped onto the next line (本年新 / 制作数量, 对外公开 / 总数量).
        if not is_cell[i] and i and is_cell[i - 1]:
            is_cell[i] = is_label_piece(line, vocab)
    cells = [line for line, cell in zip(lines, is_cell, strict=True) if cell]
    prose = [line for line, cell in zip(lines, is_cell, strict=True) if not cell]
    return cells, prose


def read_text_tables(
    sections: list[ParsedSection],
    edition: str,
    table_cells: Mapping[str, Sequence[str]] | None = None,
    grids: Mapping[str, Sequence[Grid]] | None = None,
) -> tuple[dict, list[str]]:
    """Read the standard tables of the edition from the parts they belong to (二, 三, 四).

    The table cells are taken out of the part's body, which keeps only its prose. ``table_cells``
    (part number -> cell texts) adds cells an importer found outside the text, e.g. in a <table>.
    ``grids`` (table code -> real tables) are read by their headers instead, and the part's text
    is then left as it is.
    """
    values: dict = {}
    warnings: list[str] = []
    by_number = {s.number: s for s in sections if s.number}
    for table in fmt.tables_for(edition).values():
        if grids and grids.get(table.code):
            result = read_grid(grids[table.code], table)
            values.update(result.values)
            warnings.extend(result.warnings)
            continue
        section = by_number.get(table.number)
        extra = list((table_cells or {}).get(table.number, ()))
        source = section.body if section is not None else "\n".join(s.body for s in sections)
        if section is None and not extra:
            # The part's heading is missing or unnumbered (主动公开政府信息情况 alone on its line): the
            # table is looked for wherever its labels stand.
            cells = split_cells(take_table_anywhere(sections, table))
            if not cells:
                warnings.append(glued_warning(table, source, {}) or f"未找到{table_name(table)}的数据")
                continue
        else:
            cells = extra
        if section is not None:
            cell_lines, prose = take_table_lines(section.body, table)
            section.body = "\n".join(prose)
            cells = split_cells(cell_lines) + extra
        result = read_table(cells, table)
        values.update(result.values)
        glued = glued_warning(table, source, result.values)
        if glued:
            # Said instead of "not found" or "missing rows": the table is there, its numbers are not readable.
            missing = (f"未找到{table_name(table)}的数据", f"{table_name(table)}缺少行")
            result.warnings = [w for w in result.warnings if not w.startswith(missing)] + [glued]
        warnings.extend(result.warnings)
    return values, warnings


# A row label run into its numbers (规章4710, 申请数量640020470二、…) where the cells lost their
# separators: the digits are not followed by a unit, as in prose (规章3件).
_GLUED_DIGITS = re.compile(r"[0-9][0-9.,]*(?![0-9.,]*[件个项次条万元亿%年月日人家余多起场期批])")


def glued_warning(table: fmt.Table, text: str, values: Mapping) -> str:
    """A warning naming the rows of ``table`` not read whose label runs straight into digits in
    ``text``, when there are at least two: the table is there but its cells cannot be told apart.
    Only what stands without a space is glued (规章 4 7 10 is a row flattened with spaces)."""
    read = {code[1] for code in values if code[0] == table.code}
    tokens = [label_key(token) for token in text.split() if any(c.isdigit() for c in token)]
    examples: list[str] = []
    rows: list[str] = []
    for row in table.all_rows():
        if row.code in read:
            continue
        example = _glued_example(tokens, {strip_numbering(label_key(t)) for t in row_names(row)})
        if example:
            rows.append(row.label)
            examples.append(example)
    if len(rows) < 2:
        return ""
    shown = "、".join(f"“{e}”" for e in examples[:2])
    return (
        f"{table_name(table)}在正文中,但{len(rows)}行的数字与行名连在了一起、各格之间没有分隔(如{shown}),"
        "无法分开,未读取:原文保留在该部分正文中,请按原文填写"
    )


def take_table_anywhere(sections: Sequence[ParsedSection], table: fmt.Table) -> list[str]:
    """The lines of ``table`` found in any section, taken out of its body: the run of consecutive
    table lines that carries most of the table's labels, if it carries enough to be the table."""
    best: tuple[int, ParsedSection | None, int, int] = (0, None, 0, 0)
    vocab = vocabulary(table) | column_vocabulary(table.code)
    for section in sections:
        lines = [line for line in section.body.split("\n") if line]
        start = None
        for i, line in enumerate([*lines, ""]):
            if line and is_table_cell(line, table, vocab):
                start = i if start is None else start
                continue
            if start is not None:
                run = lines[start:i]
                score = table_evidence(split_cells(run), table.code)
                if score > best[0]:
                    best = (score, section, start, i)
                start = None
    _, section, start, end = best
    if section is None:
        return []
    lines = [line for line in section.body.split("\n") if line]
    if not holds_table(split_cells(lines[start:end]), table.code):
        return []
    section.body = "\n".join(lines[:start] + lines[end:])
    return lines[start:end]


def _glued_example(tokens: Sequence[str], names: set[str]) -> str:
    for token in tokens:
        for name in names:
            at = token.find(name) if len(name) >= 2 else -1
            while at >= 0:
                digits = _GLUED_DIGITS.match(token, at + len(name))
                if digits:
                    run = digits.group(0)
                    return name + run[:12] + ("…" if len(run) > 12 else "")
                at = token.find(name, at + 1)
    return ""


# --- Metadata lines -----------------------------------------------------------------------------

_INDEX_NO = re.compile(r"索\s*引\s*号\s*[::]\s*(\S+)")
_DOCUMENT_NO = re.compile(r"(?<!索引)文\s*号\s*[::]\s*(\S+)")


def find_labelled(pattern: re.Pattern, lines: Sequence[str]) -> str:
    for line in lines[:15]:
        m = pattern.search(line)
        if m:
            return m.group(1)
    return ""


# --- The importer -------------------------------------------------------------------------------


def parse_text(
    data: bytes,
    *,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
) -> ParsedReport:
    """Read one plain-text document. Options given by the caller override what the text says."""
    text = normalize_text(decode_bytes(data))
    lines = [line for line in text.split("\n") if line]
    # Text copied from a portal page keeps its metadata block (索引号:… 发布机构:… 发布日期:…): read
    # it as the web-page reader does, then leave it out of the text.
    metadata = read_metadata(lines[:30])
    skip = set(metadata_line_indexes(lines))
    lines = drop_page_chrome([line for i, line in enumerate(lines) if i not in skip])
    if not lines:
        raise UnreadableDocument("文件为空")
    report = parse_lines(
        lines,
        filename=filename,
        year=year,
        kind=kind,
        region_code=region_code,
        publisher_hint=metadata.get("publisher", ""),
    )
    if metadata:
        apply_metadata(report, metadata)
    return report


# What a portal page around an article adds when its text is copied: breadcrumbs, font-size and
# print buttons, share links. Only the first and last few lines are looked at.
_CHROME = re.compile(
    r"^(?:(?:当前位置|您(?:现在)?的位置|所在位置)\s*[::]?.*|(?:点击)?收听.{0,8}朗读|.*(?:\s[>»›]\s.*){2,}|字号[::].*|(?:发布时间|来源|点击数|访问量)\s*[::][^。]{0,40}|【?(?:打印|关闭|收藏)"
    r"(?:本页|窗口)?】?(?:\s*【?(?:打印|关闭|收藏)(?:本页|窗口)?】?)*|分享到[::].*|浏览次数[::].*)$"
)


def drop_page_chrome(lines: list[str]) -> list[str]:
    """The lines without a copied page's breadcrumb, font-size, print and share lines at either end."""
    edge = 5
    return [line for i, line in enumerate(lines) if not (_CHROME.match(line) and (i < edge or i >= len(lines) - edge))]


def parse_lines(
    lines: list[str],
    *,
    filename: str = "",
    year: int | None = None,
    kind: str | None = None,
    region_code: str | None = None,
    table_cells: Mapping[str, Sequence[str]] | None = None,
    raw_tables: Sequence[RawTable] = (),
    publisher_hint: str = "",
) -> ParsedReport:
    """Everything after decoding: ``lines`` are normalised, non-empty paragraphs.

    An importer that reads the tables from elsewhere passes their cell texts as ``table_cells``,
    keyed by the part number they stand under (二, 三, 四), or, better, the real tables as
    ``raw_tables`` (HTML, DOCX): those are recognised by their labels and read by their headers,
    or kept as free tables (附表) when they are no standard table. ``publisher_hint`` is a
    publisher named outside the text (a portal's 发布机构), used when the text names none.
    """
    if kind is not None and kind not in KINDS:
        raise UnreadableDocument(f"未知的文档类型: {kind}")
    lines, raw_tables = _take_captions(list(lines), list(raw_tables))
    report = ParsedReport()
    text = "\n".join(lines)
    report.warnings.extend(text_warnings(text))
    title, title_length = title_of(lines)
    body_lines = lines[title_length:]
    opening = "\n".join(body_lines[:3])

    cells = split_cells(body_lines) + [c for part in (table_cells or {}).values() for c in part]
    cells += [t for raw in raw_tables for t in grid_texts(raw.grid)]
    tables_found = standard_tables_in(cells)
    report.kind = kind or detect_kind(title, opening, [h.heading for h in heading_candidates(body_lines)])
    if kind is None and report.kind != ANNUAL_REPORT and tables_found:
        # The standard tables make an annual report, whatever the title (or its absence) says.
        report.warnings.append(
            f"标题和开头未表明是年度报告(按此应为“{KIND_NAMES[report.kind]}”),但正文含有年度报告的标准表格"
            f"({_table_names(tables_found)}),已按年度报告读取,请核对文档类型"
        )
        report.kind = ANNUAL_REPORT
    report.year = year if year is not None else detect_year(title, text, body_lines)
    signature = find_signature(body_lines)
    if signature:
        report.written_on = signature.date
        if signature.line + signature.lines == len(body_lines):
            body_lines = body_lines[: signature.line]
    if report.year is None and report.kind == ANNUAL_REPORT and report.written_on:
        report.year = report.written_on.year - 1
        report.warnings.append(f"正文未写明报告年度,按落款日期推断为{report.year}年")
    elif report.year is None:
        report.warnings.append("未能识别报告年度")

    report.publisher = publisher_of(title, opening, signature, text, report.warnings, publisher_hint)
    report.title = title or title_from_opening(opening) or _composed_title(report, filename)
    if region_code:
        report.region_code = region_code
    else:
        detect_region(report, text, region_places(title or report.title, opening, signature, text))
    report.index_no = find_labelled(_INDEX_NO, lines)
    report.document_no = find_labelled(_DOCUMENT_NO, lines)

    report.edition, edition_warning = detect_edition(report.year, text, cells)
    if edition_warning:
        report.warnings.append(edition_warning)
    is_standard = report.kind == ANNUAL_REPORT and report.edition != fmt.EDITION_2008
    report.sections = split_sections(body_lines, PART_WORDS if report.kind == ANNUAL_REPORT else None)
    grids: dict[str, list[Grid]] = {}
    free = list(raw_tables)
    if is_standard:
        grids, free = sort_tables(raw_tables)
        values, warnings = read_text_tables(report.sections, report.edition, table_cells, grids)
        report.values.update(values)
        report.warnings.extend(warnings)
        _flag_impossible_numbers(report)
        _flag_amounts_in_yuan(report, text + "\n" + "\n".join(cells))
    elif tables_found:
        why = (
            f"文档类型为“{KIND_NAMES[report.kind]}”" if report.kind != ANNUAL_REPORT else "按报告年度为2008年条例旧格式"
        )
        report.warnings.append(
            f"正文含有年度报告的标准表格({_table_names(tables_found)}),但{why},表格数字未读取:请核对文档类型和年度"
        )
    report.free_tables = [free_table(raw) for raw in free]
    return report


# How an editor knows the kinds (as the model names them; the importer does not import models).
KIND_NAMES = {
    ANNUAL_REPORT: "政府信息公开工作年度报告",
    WORK_PLAN: "政务公开工作要点",
    GUIDE: "政府信息公开指南",
    OTHER: "其他",
}


def _table_names(codes: Iterable[str]) -> str:
    tables = {**fmt.tables_for(fmt.EDITION_2019), **fmt.tables_for(fmt.EDITION_2021)}
    return "、".join(f"表{tables[c].number}" for c in codes)


PUBLISHED_ON_UNKNOWN = "未注明发布日期:导入后请填写(成文日期不是发布日期,按时发布与否以发布日期为准)"


def note_missing_publication_date(report: ParsedReport) -> None:
    """An annual report without 发布日期 is flagged: the date is never invented from another one."""
    if report.kind == ANNUAL_REPORT and report.published_on is None and PUBLISHED_ON_UNKNOWN not in report.warnings:
        report.warnings.append(PUBLISHED_ON_UNKNOWN)


def flag_dates_out_of_order(report: ParsedReport) -> None:
    """A 发布日期 before the 成文日期 cannot both be right: the 发布日期 is not kept (the report is then
    listed as 发布日期不详, never as published on time), and the editor is told to check both."""
    error = fmt.date_order_error(report.written_on, report.published_on)
    if error:
        report.published_on = None
        report.warnings.append(f"{error.removesuffix('。')}(导入时未采用该发布日期)")


def _amount_labels() -> str:
    """The labels of the format's amount columns without their unit note (本年收费金额, 采购总金额 …)."""
    names = {
        fmt.plain_label(text)
        for edition in (fmt.EDITION_2021, fmt.EDITION_2019)
        for table in fmt.tables_for(edition).values()
        for row in table.all_rows()
        for column in table.columns_of(row.code)
        if column.kind == fmt.AMOUNT
        for text in (*column.path, *column.aliases)
    }
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


# An amount column headed in 元 (本年收费金额(单位:元)) where the format counts 万元.
_FEES_IN_YUAN = re.compile(rf"(?:{_amount_labels()})[^\n]{{0,8}}?[((]\s*(?:单位\s*[::]\s*)?元\s*[))]")


def _flag_amounts_in_yuan(report: ParsedReport, text: str) -> None:
    """A table headed 金额(单位:元) prints 元 where the format counts 万元: not read, and named."""
    if not _FEES_IN_YUAN.search(text):
        return
    for code in [c for c in report.values if fmt.code_kind(c) == fmt.AMOUNT]:
        del report.values[code]
    report.warnings.append("表二的金额以“元”为单位印出,而格式以“万元”计:金额未读取,请换算后填写")


def _flag_impossible_numbers(report: ParsedReport) -> None:
    """A count printed as −1 or 2.5 is not a number the table can hold: not read, and named."""
    tables = fmt.tables_for(report.edition)
    for code, value in list(report.values.items()):
        table = tables.get(code[0])
        if table is None or not table.has(code[1], code[2]):
            continue
        problems = fmt.number_errors(value, table.column(code[1], code[2]))
        if problems:
            del report.values[code]
            label = table.cell_label(code[1], code[2])
            report.warnings.append(
                f"{table_name(table)}「{label}」印作 {value}:{'、'.join(problems)},未读取,请按原文核对"
            )


def sort_tables(raw_tables: Sequence[RawTable]) -> tuple[dict[str, list[Grid]], list[RawTable]]:
    """Real tables by the standard table their labels name; the others are free tables."""
    grids: dict[str, list[Grid]] = {}
    free: list[RawTable] = []
    for raw in raw_tables:
        code = classify_grid(raw.grid)
        if code is None:
            free.append(raw)
        else:
            grids.setdefault(code, []).append(raw.grid)
    return grids, free


def free_table(raw: RawTable) -> ParsedFreeTable:
    """A table outside the national format, kept as text cells with its header rows counted."""
    rows = [row for row in grid_rows(raw.grid) if any(row)]
    header_rows = 0
    for row in rows[:3]:
        # A header row has no numbers, and more than one label (a lone merged label is a group row).
        if any(cell and is_value(cell) for cell in row) or (header_rows and sum(1 for c in row if c) < 2):
            break
        header_rows += 1
    if header_rows == len(rows):
        header_rows = min(1, len(rows))
    return ParsedFreeTable(caption=raw.caption, rows=rows, header_rows=header_rows)


_CAPTION = re.compile(r"^(?:附表|附件)|^表\s*[0-9一二三四五六七八九十]+|(?:表|一览表|统计表|情况表)$")


def _take_captions(lines: list[str], raw_tables: list[RawTable]) -> tuple[list[str], list[RawTable]]:
    """A short line right above a table that names it (附表:… / …情况统计表) becomes its caption."""
    drop: set[int] = set()
    for raw in raw_tables:
        i = raw.position - 1
        if raw.caption or i < 0 or i in drop:
            continue
        line = lines[i]
        if len(line) <= 50 and _CAPTION.search(line) and not HEADING.match(line) and not re.search(r"[,,。;;]", line):
            raw.caption = re.sub(r"[::]+$", "", line)
            drop.add(i)
    if not drop:
        return lines, raw_tables
    for raw in raw_tables:
        raw.position -= sum(1 for i in drop if i < raw.position)
    return [line for i, line in enumerate(lines) if i not in drop], raw_tables


def _composed_title(report: ParsedReport, filename: str) -> str:
    if report.kind == ANNUAL_REPORT and report.year:
        return f"{report.publisher}{report.year}年政府信息公开工作年度报告"
    if report.kind == GUIDE and report.publisher:
        return f"{report.publisher}政府信息公开指南"
    return PurePath(filename).stem if filename else ""
