"""The national annual-report format, written down once, as data.

Source: 国办公开办函〔2019〕60号 (the 2019 edition) and 〔2021〕30号 (the 2021 edition), as
summarised in shared/FORMAT.md. Every number of the three standard tables has a stable address
``table.row.column``. Rendering (HTML, admin grid, exports), validation, import and statistics read
this module; none of them hard-codes a label.

A table's official layout is described by *label paths*: a body row's path is the chain of
label cells to its left (``("三、本年度办理结果", "(三)不予公开", "1.属于国家秘密")``), a column's
path the chain of header cells above it (``("申请人情况", "法人或其他组织", "商业企业")``).
Consecutive equal prefixes merge into one cell (rowspan/colspan): :func:`reports.format.layout.layout_grid`
turns the paths into the grid every renderer draws.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Iterable

EDITION_2021 = "2021"
EDITION_2019 = "2019"
EDITION_2008 = "2008"
EDITIONS = (EDITION_2021, EDITION_2019, EDITION_2008)
EDITION_LABELS = {
    EDITION_2021: "2021年版格式(2021年度起)",
    EDITION_2019: "2019年版格式(2019—2020年度)",
    EDITION_2008: "2008年条例旧格式(2008—2018年度)",
}


def edition_for_year(year: int | None) -> str:
    """The edition a report on ``year`` is written in."""
    if year is None or year >= 2021:
        return EDITION_2021
    if year >= 2019:
        return EDITION_2019
    return EDITION_2008


# The six parts of a 2019/2021 report. ``match`` lists words that identify the heading whatever
# the site's wording (改进措施 for 改进情况, 及 for 、).
@dataclass(frozen=True)
class Part:
    number: str
    heading: str
    match: tuple[str, ...]
    table: str | None = None


PARTS = (
    Part("一", "总体情况", ("总体情况",)),
    Part("二", "主动公开政府信息情况", ("主动公开",), "proactive"),
    Part(
        "三",
        "收到和处理政府信息公开申请情况",
        ("收到和处理", "申请情况"),
        "applications",
    ),
    Part(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        ("行政复议", "行政诉讼"),
        "review_litigation",
    ),
    Part("五", "存在的主要问题及改进情况", ("存在的主要问题", "存在问题", "改进")),
    Part("六", "其他需要报告的事项", ("其他需要报告",)),
)

INTEGER = "integer"
AMOUNT = "amount"  # 万元, a decimal


@dataclass(frozen=True)
class Column:
    code: str
    path: tuple[str, ...]
    kind: str = INTEGER
    aliases: tuple[str, ...] = ()
    signed: bool = False  # may be negative (本年增/减); every other number of the tables may not

    @property
    def label(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Row:
    code: str
    path: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class Block:
    """A band of a table with its own header row (the 第二十条 clauses of table 二)."""

    heading: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    corner: str = "信息内容"


@dataclass(frozen=True)
class Rule:
    code: str
    table: str
    title: str


@dataclass(frozen=True)
class Table:
    """One standard table in one edition."""

    code: str
    number: str  # the report part it belongs to: 二, 三, 四
    title: str
    short: str  # used in rule messages: 申请表
    blocks: tuple[Block, ...] = ()
    rows: tuple[Row, ...] = ()
    columns: tuple[Column, ...] = ()
    corner: str = ""
    # "transposed": the table's rows are drawn side by side as column groups of one body row
    # (table 四 puts 行政复议 and the two 行政诉讼 groups next to each other).
    transposed: bool = False
    rules: tuple[Rule, ...] = ()
    note: str = ""

    @property
    def caption(self) -> str:
        return f"{self.number}、{self.title}"

    def all_rows(self) -> tuple[Row, ...]:
        if self.blocks:
            return tuple(r for b in self.blocks for r in b.rows)
        return self.rows

    @functools.cached_property
    def _columns_by_row(self) -> dict[str, tuple[Column, ...]]:
        # Looked up for every cell of every imported report: a dict, built once per table.
        if self.blocks:
            return {r.code: b.columns for b in self.blocks for r in b.rows}
        return {r.code: self.columns for r in self.rows}

    def columns_of(self, row_code: str) -> tuple[Column, ...]:
        try:
            return self._columns_by_row[row_code]
        except KeyError:
            raise KeyError(f"{self.code}.{row_code}") from None

    def cells(self) -> list[tuple[str, str]]:
        """Every (row, column) address of the table, in reading order."""
        return [(r.code, c.code) for r in self.all_rows() for c in self.columns_of(r.code)]

    def column(self, row_code: str, column_code: str) -> Column:
        for c in self.columns_of(row_code):
            if c.code == column_code:
                return c
        raise KeyError(f"{self.code}.{row_code}.{column_code}")

    def row(self, row_code: str) -> Row:
        for r in self.all_rows():
            if r.code == row_code:
                return r
        raise KeyError(f"{self.code}.{row_code}")

    def has(self, row_code: str, column_code: str) -> bool:
        try:
            self.column(row_code, column_code)
        except KeyError:
            return False
        return True

    def cell_label(self, row_code: str, column_code: str) -> str:
        """A person's name for a cell: 申请表 一、本年新收政府信息公开申请数量 / 自然人."""
        return f"{self.row(row_code).label} / {self.column(row_code, column_code).label}"

    @property
    def name(self) -> str:
        """The table as a sentence names it: 表三(收到和处理政府信息公开申请情况)."""
        return f"表{self.number}({self.title})"

    def cell_name(self, row_code: str, column_code: str) -> str:
        """A cell named by its table, row and column, as a message to an editor names it:
        表三(收到和处理政府信息公开申请情况)「(三)不予公开 1.属于国家秘密」行「自然人」列.

        A row or column under a group label carries that label too (3.其他 alone could be any group's).
        """
        _, row, column = self.cell_names(row_code, column_code)
        return f"{self.name}「{row}」行「{column}」列"

    def cell_names(self, row_code: str, column_code: str) -> tuple[str, str, str]:
        """The table's, the row's and the column's names for people, a group label included:
        ("表三(收到和处理政府信息公开申请情况)", "(三)不予公开 1.属于国家秘密", "法人或其他组织 商业企业")."""
        row = " ".join(self.row(row_code).path[-2:])
        column = " ".join(self.column(row_code, column_code).path[-2:])
        return self.name, row, column


# --- 二、主动公开政府信息情况 -------------------------------------------------------------

_ISSUED = Column("issued", ("本年制发件数",))
_REPEALED = Column("repealed", ("本年废止件数",))
_IN_FORCE = Column("in_force", ("现行有效件数",))
_DECISIONS_2021 = Column("decisions", ("本年处理决定数量",), aliases=("处理决定数量",))
_FEES_2021 = Column("amount", ("本年收费金额(单位:万元)",), AMOUNT, aliases=("本年收费金额", "收费金额"))

PROACTIVE_2021 = Table(
    code="proactive",
    number="二",
    title="主动公开政府信息情况",
    short="主动公开表",
    blocks=(
        Block(
            "第二十条第(一)项",
            (_ISSUED, _REPEALED, _IN_FORCE),
            (
                Row("rules", ("规章",)),
                Row("normative_documents", ("行政规范性文件",), ("规范性文件",)),
            ),
        ),
        Block("第二十条第(五)项", (_DECISIONS_2021,), (Row("licensing", ("行政许可",)),)),
        Block(
            "第二十条第(六)项",
            (_DECISIONS_2021,),
            (Row("penalties", ("行政处罚",)), Row("enforcement", ("行政强制",))),
        ),
        Block("第二十条第(八)项", (_FEES_2021,), (Row("fees", ("行政事业性收费",)),)),
    ),
)

_MADE = Column("made", ("本年新制作数量",), aliases=("新制作数量",))
_PUBLISHED = Column("published", ("本年新公开数量",), aliases=("新公开数量",))
_PUBLISHED_TOTAL = Column("published_total", ("对外公开总数量",), aliases=("公开总数量",))
_ITEMS_LAST_YEAR = Column("items_last_year", ("上一年项目数量",), aliases=("上年项目数量",))
_ITEMS_CHANGE = Column("items_change", ("本年增/减",), aliases=("本年增减", "增/减"), signed=True)
_DECISIONS_2019 = Column("decisions", ("处理决定数量",), aliases=("本年处理决定数量",))

PROACTIVE_2019 = Table(
    code="proactive",
    number="二",
    title="主动公开政府信息情况",
    short="主动公开表",
    blocks=(
        Block(
            "第二十条第(一)项",
            (_MADE, _PUBLISHED, _PUBLISHED_TOTAL),
            (
                Row("rules", ("规章",)),
                Row("normative_documents", ("规范性文件",), ("行政规范性文件",)),
            ),
        ),
        Block(
            "第二十条第(五)项",
            (_ITEMS_LAST_YEAR, _ITEMS_CHANGE, _DECISIONS_2019),
            (
                Row("licensing", ("行政许可",)),
                Row("other_services", ("其他对外管理服务事项",)),
            ),
        ),
        Block(
            "第二十条第(六)项",
            (_ITEMS_LAST_YEAR, _ITEMS_CHANGE, _DECISIONS_2019),
            (Row("penalties", ("行政处罚",)), Row("enforcement", ("行政强制",))),
        ),
        Block(
            "第二十条第(八)项",
            (_ITEMS_LAST_YEAR, _ITEMS_CHANGE),
            (Row("fees", ("行政事业性收费",)),),
        ),
        Block(
            "第二十条第(九)项",
            (
                Column("projects", ("采购项目数量",)),
                Column(
                    "amount",
                    ("采购总金额",),
                    AMOUNT,
                    aliases=("采购总金额(单位:万元)",),
                ),
            ),
            (Row("procurement", ("政府集中采购",)),),
        ),
    ),
)

# --- 三、收到和处理政府信息公开申请情况 ---------------------------------------------------

_APPLICANT = "申请人情况"
_LEGAL = "法人或其他组织"
APPLICANT_COLUMNS = (
    Column("natural_person", (_APPLICANT, "自然人")),
    Column("commercial", (_APPLICANT, _LEGAL, "商业企业")),
    Column("research", (_APPLICANT, _LEGAL, "科研机构")),
    Column("social_welfare", (_APPLICANT, _LEGAL, "社会公益组织")),
    Column("legal_service", (_APPLICANT, _LEGAL, "法律服务机构")),
    Column("other_org", (_APPLICANT, _LEGAL, "其他")),
    Column("total", (_APPLICANT, "总计")),
)
APPLICANT_PARTS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
)

_RESULT = "三、本年度办理结果"
_WITHHELD = "(三)不予公开"
_UNAVAILABLE = "(四)无法提供"
_REJECTED = "(五)不予处理"
_OTHER = "(六)其他处理"

_APPLICATION_HEAD = (
    Row("received", ("一、本年新收政府信息公开申请数量",)),
    Row("carried_over", ("二、上年结转政府信息公开申请数量",)),
    Row("granted", (_RESULT, "(一)予以公开")),
    Row(
        "partly_granted",
        (_RESULT, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ),
    Row("withheld_state_secret", (_RESULT, _WITHHELD, "1.属于国家秘密")),
    Row("withheld_prohibited_by_law", (_RESULT, _WITHHELD, "2.其他法律行政法规禁止公开")),
    Row("withheld_three_safeties", (_RESULT, _WITHHELD, "3.危及“三安全一稳定”")),
    Row("withheld_third_party", (_RESULT, _WITHHELD, "4.保护第三方合法权益")),
    Row("withheld_internal_affairs", (_RESULT, _WITHHELD, "5.属于三类内部事务信息")),
    Row("withheld_process_information", (_RESULT, _WITHHELD, "6.属于四类过程性信息")),
    Row("withheld_enforcement_files", (_RESULT, _WITHHELD, "7.属于行政执法案卷")),
    Row("withheld_administrative_query", (_RESULT, _WITHHELD, "8.属于行政查询事项")),
    Row("unavailable_not_held", (_RESULT, _UNAVAILABLE, "1.本机关不掌握相关政府信息")),
    Row(
        "unavailable_needs_creation",
        (_RESULT, _UNAVAILABLE, "2.没有现成信息需要另行制作"),
    ),
    Row("unavailable_unclear", (_RESULT, _UNAVAILABLE, "3.补正后申请内容仍不明确")),
    Row("rejected_petition", (_RESULT, _REJECTED, "1.信访举报投诉类申请")),
    Row("rejected_repeated", (_RESULT, _REJECTED, "2.重复申请")),
    Row("rejected_publication", (_RESULT, _REJECTED, "3.要求提供公开出版物")),
    Row("rejected_excessive", (_RESULT, _REJECTED, "4.无正当理由大量反复申请")),
    Row(
        "rejected_confirmation",
        (_RESULT, _REJECTED, "5.要求行政机关确认或重新出具已获取信息"),
    ),
)
_APPLICATION_TAIL = (
    Row("handled_total", (_RESULT, "(七)总计")),
    Row("carried_forward", ("四、结转下年度继续办理",)),
)
_OTHER_2021 = (
    Row(
        "other_no_correction",
        (
            _RESULT,
            _OTHER,
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ),
    ),
    Row(
        "other_unpaid_fee",
        (
            _RESULT,
            _OTHER,
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
    ),
    Row("other_misc", (_RESULT, _OTHER, "3.其他")),
)
_OTHER_2019 = (Row("other", (_RESULT, _OTHER)),)

APPLICATION_RULES = (
    Rule(
        "applications.balance",
        "applications",
        "本年新收+上年结转 = 办理结果总计+结转下年度",
    ),
    Rule(
        "applications.row_totals",
        "applications",
        "总计 = 自然人+法人或其他组织各列之和",
    ),
    Rule("applications.outcome_totals", "applications", "办理结果总计 = 各项办理结果之和"),
)
_APPLICATION_CORNER = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"


def _applications(other_rows: tuple[Row, ...]) -> Table:
    return Table(
        code="applications",
        number="三",
        title="收到和处理政府信息公开申请情况",
        short="申请表",
        rows=_APPLICATION_HEAD + other_rows + _APPLICATION_TAIL,
        columns=APPLICANT_COLUMNS,
        corner=_APPLICATION_CORNER,
        rules=APPLICATION_RULES,
    )


APPLICATIONS_2021 = _applications(_OTHER_2021)
APPLICATIONS_2019 = _applications(_OTHER_2019)

# Rows that are outcomes: their sum is (七)总计 (rule 3).
OUTCOME_ROWS = {
    EDITION_2021: tuple(r.code for r in APPLICATIONS_2021.rows[2:-2]),
    EDITION_2019: tuple(r.code for r in APPLICATIONS_2019.rows[2:-2]),
}

# --- 四、政府信息公开行政复议、行政诉讼情况 --------------------------------------------------

REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending")
_OUTCOME_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
_GROUPS = (
    ("review", ("行政复议",)),
    ("litigation_direct", ("行政诉讼", "未经复议直接起诉")),
    ("litigation_after_review", ("行政诉讼", "复议后起诉")),
)

REVIEW_LITIGATION = Table(
    code="review_litigation",
    number="四",
    title="政府信息公开行政复议、行政诉讼情况",
    short="复议诉讼表",
    rows=tuple(Row(code, path) for code, path in _GROUPS),
    columns=tuple(Column(c, (label,)) for c, label in _OUTCOME_LABELS.items()),
    transposed=True,
    rules=(
        Rule(
            "review_litigation.totals",
            "review_litigation",
            "总计 = 结果维持+结果纠正+其他结果+尚未审结",
        ),
    ),
)

TABLES: dict[str, dict[str, Table]] = {
    EDITION_2021: {
        "proactive": PROACTIVE_2021,
        "applications": APPLICATIONS_2021,
        "review_litigation": REVIEW_LITIGATION,
    },
    EDITION_2019: {
        "proactive": PROACTIVE_2019,
        "applications": APPLICATIONS_2019,
        "review_litigation": REVIEW_LITIGATION,
    },
    EDITION_2008: {},
}
TABLE_CODES = ("proactive", "applications", "review_litigation")

# Rules between a body's report and its report on the year before (FORMAT.md: 跨年度的勾稽关系).
YEAR_RULES = (
    Rule(
        "applications.carried_over_last_year",
        "applications",
        "本年“上年结转” = 上一年度报告的“结转下年度继续办理”",
    ),
    Rule(
        "proactive.in_force_last_year",
        "proactive",
        "本年现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数",
    ),
)


def tables_for(edition: str) -> dict[str, Table]:
    """The standard tables of an edition (none for 2008)."""
    return TABLES.get(edition, {})


def all_codes(edition: str) -> list[tuple[str, str, str]]:
    """Every (table, row, column) code of an edition, in reading order."""
    return [(t.code, r, c) for t in tables_for(edition).values() for r, c in t.cells()]


# --- Groups and plain labels (statistics) ------------------------------------------------

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[((][一二三四五六七八九十]+[))]|\d+[.、])")
_NOTE = re.compile(r"[((][^()()]*[))]$")


def plain_label(text: str) -> str:
    """A label without its ordinal and trailing note: "(二)部分公开(区分处理的,…)" → "部分公开"."""
    text = _ORDINAL.sub("", text)
    stripped = _NOTE.sub("", text)
    return stripped or text


@dataclass(frozen=True)
class RowGroup:
    """Rows that share a label cell of the official layout, e.g. the eight rows under (三)不予公开."""

    code: str  # the common stem of the row codes: "withheld"; a lone row keeps its code
    label: str  # the shared label cell: "(三)不予公开"
    rows: tuple[str, ...]


def row_groups(rows: Iterable[Row], depth: int) -> tuple[RowGroup, ...]:
    """Rows grouped by the label at ``depth`` of their path, in table order."""
    order: list[str] = []
    members: dict[str, list[str]] = {}
    for row in rows:
        label = row.path[depth]
        if label not in members:
            order.append(label)
            members[label] = []
        if row.code not in members[label]:
            members[label].append(row.code)
    out = []
    for label in order:
        codes = members[label]
        stem = codes[0] if len(codes) == 1 else os.path.commonprefix(codes).rstrip("_")
        out.append(RowGroup(stem, label, tuple(codes)))
    return tuple(out)


def outcome_groups(edition: str | None = None) -> tuple[RowGroup, ...]:
    """The 办理结果 groups, (一)予以公开 … (六)其他处理, derived from the outcome rows' label paths.

    Without an edition: the union of 2021 and 2019, where the single 2019 row 其他处理 joins the
    three 2021 rows of the same group.
    """
    editions = [edition] if edition else [EDITION_2021, EDITION_2019]
    rows = [tables_for(e)["applications"].row(code) for e in editions for code in OUTCOME_ROWS[e]]
    return row_groups(rows, 1)


def review_groups() -> tuple[RowGroup, ...]:
    """行政复议 and 行政诉讼 (its two rows 未经复议直接起诉 and 复议后起诉), from the label paths."""
    return row_groups(REVIEW_LITIGATION.rows, 0)


def union_codes() -> list[tuple[str, str, str]]:
    """Every code of the 2021 and the 2019 tables once, 2021 order first; 2019-only codes follow
    the 2021 codes of their table."""
    out: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for table in TABLE_CODES:
        for edition in (EDITION_2021, EDITION_2019):
            for code in all_codes(edition):
                if code[0] == table and code not in seen:
                    seen.add(code)
                    out.append(code)
    return out


def code_table(code: tuple[str, str, str]) -> tuple[str, Table]:
    """The newest edition that has ``code`` and its table (for labels and the kind of number)."""
    for edition in (EDITION_2021, EDITION_2019):
        table = tables_for(edition).get(code[0])
        if table is not None and table.has(code[1], code[2]):
            return edition, table
    raise KeyError(".".join(code))


__all__ = [
    "EDITION_2021",
    "EDITION_2019",
    "EDITION_2008",
    "EDITIONS",
    "EDITION_LABELS",
    "edition_for_year",
    "Part",
    "PARTS",
    "INTEGER",
    "AMOUNT",
    "Column",
    "Row",
    "Block",
    "Rule",
    "Table",
    "PROACTIVE_2021",
    "PROACTIVE_2019",
    "APPLICANT_COLUMNS",
    "APPLICANT_PARTS",
    "APPLICATION_RULES",
    "APPLICATIONS_2021",
    "APPLICATIONS_2019",
    "OUTCOME_ROWS",
    "REVIEW_OUTCOMES",
    "REVIEW_LITIGATION",
    "TABLES",
    "TABLE_CODES",
    "YEAR_RULES",
    "tables_for",
    "all_codes",
    "plain_label",
    "RowGroup",
    "row_groups",
    "outcome_groups",
    "review_groups",
    "union_codes",
    "code_table",
]
