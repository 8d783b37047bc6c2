"""The values of a report, in one place: reading a cell's text, checking numbers and years, showing them.

A cell holds a count (``INTEGER``) or an amount in 万元 (``AMOUNT``); the kind is the column's
(:mod:`reports.format.tables`). A blank cell is ``None`` everywhere — never 0.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Mapping

from reports.format.tables import (
    AMOUNT,
    EDITION_2019,
    EDITION_2021,
    EDITION_LABELS,
    INTEGER,
    Column,
    code_table,
    tables_for,
)

Code = tuple[str, str, str]
Values = Mapping[Code, Decimal | None]
# No body receives a billion applications or charges a billion 万元 (10 万亿元) in a year: a number
# above this is a slip (digits glued together, an ID typed into a cell), not a figure.
MAX_VALUE = Decimal(10**9)
MAX_DECIMALS = 6  # amounts are kept exactly as printed, down to 0.000001 万元 (1 分 is 0.000001 万元)
INTEGER_ERROR, NEGATIVE_ERROR, DECIMALS_ERROR = "应为整数", "不能为负数", "小数位数过多"
TOO_LARGE_ERROR = "数值过大(超过十亿)"
NOT_A_NUMBER_ERROR = "不是数字"

# --- Years --------------------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 1990, 2100
YEAR_RANGE_MESSAGE = f"年度应在{FIRST_YEAR}至{LAST_YEAR}之间。"


def plausible_year(year: int | None) -> bool:
    """A statistical year a report can be about."""
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


# --- Reading a cell's text ----------------------------------------------------------------

# What a report writes in a cell it leaves blank.
_BLANK = re.compile(r"^(?:[-—–―‐−~/\\]+|无)?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"(?<=\d)[,,](?=\d{3}(?!\d))")
_UNIT = re.compile(r"(?:万元|件|个|次|条|项|宗)$")
_YUAN = re.compile(r"元$")  # an amount in 元 where the tables count 万元: converted exactly
_QUOTES = dict.fromkeys(map(ord, "“”\"'‘’「」『』"))
_NOT_A_NUMBER = object()


def compact(text: str) -> str:
    """NFKC (full/half width alike) without any whitespace or quote marks."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def parse_value(text: str) -> Decimal | None:
    """A cell's number: ``39,908`` -> 39908, ``—``/``无``/blank -> None; ValueError if it is a label."""
    # Only short texts are cached: cells repeat across reports, paragraphs of prose do not.
    value = _parse_value(text) if len(text) <= 64 else _uncached_or_marker(text)
    if value is _NOT_A_NUMBER:
        raise ValueError(f"not a number: {text!r}")
    return value


def _uncached_or_marker(text: str):
    try:
        return _parse_uncached(text)
    except ValueError:
        return _NOT_A_NUMBER


# Cached: the same cell texts (0, —, 总计 …) come back in every table of every report.
_parse_value = functools.lru_cache(maxsize=16384)(_uncached_or_marker)


def _parse_uncached(text: str) -> Decimal | None:
    s = _THOUSANDS.sub("", compact(text).replace("\u2212", "-"))
    if _BLANK.match(s):
        return None
    s = _UNIT.sub("", s)
    in_yuan = bool(_YUAN.search(s))
    s = _YUAN.sub("", s)
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(s).scaleb(-4) if in_yuan else Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not a number: {text!r}") from exc


def is_value(text: str) -> bool:
    """True for a number or a blank marker, False for a label."""
    try:
        parse_value(text)
    except ValueError:
        return False
    return True


# --- The kind of a code, and checking values ------------------------------------------------


@functools.lru_cache(maxsize=None)
def code_column(code: Code) -> Column | None:
    """The column of ``code`` in the newest edition that has it (None for an unknown code)."""
    try:
        _, table = code_table(code)
    except KeyError:
        return None
    return table.column(code[1], code[2])


def code_kind(code: Code) -> str:
    """INTEGER or AMOUNT: the kind of the column of ``code``."""
    column = code_column(code)
    return column.kind if column else INTEGER


def cell_errors(edition: str, code: Code, value) -> list[str]:
    """Why ``value`` cannot stand in cell ``code`` of an ``edition`` report, each reason naming the
    cell by its table, row and column (empty when it can)."""
    table, row, column = code
    tables = tables_for(edition)
    if table not in tables or not tables[table].has(row, column):
        return [f"{table}.{row}.{column} 不是{EDITION_LABELS.get(edition, edition)}中的表格项"]
    name = tables[table].cell_name(row, column)
    problems = number_errors(value, tables[table].column(row, column))
    return [f"{name}:{problem},填写的是 {_shown(value)}" for problem in problems]


def number_errors(value, column: Column | None) -> list[str]:
    """What is wrong with a number for ``column``: 应为整数, 不能为负数, 数值过大, 小数位数过多 (several may
    apply), or 不是数字 for anything but a finite number."""
    if value is None:
        return []
    value = _decimal(value)
    if value is None:
        return [NOT_A_NUMBER_ERROR]
    kind = column.kind if column else INTEGER
    problems = []
    if kind == INTEGER and value != value.to_integral_value():
        problems.append(INTEGER_ERROR)
    if value < 0 and not (column and column.signed):
        problems.append(NEGATIVE_ERROR)
    if abs(value) > MAX_VALUE:
        problems.append(TOO_LARGE_ERROR)
    if kind == AMOUNT and -value.normalize().as_tuple().exponent > MAX_DECIMALS:
        problems.append(DECIMALS_ERROR)
    return problems


def number_error(value, column: Column | None) -> str | None:
    """The first thing wrong with a number for ``column``, or None (forms name one problem a cell)."""
    problems = number_errors(value, column)
    return problems[0] if problems else None


def value_errors(edition: str, values: Values) -> list[str]:
    """Every reason the values cannot be stored as an ``edition`` report's numbers, each naming its cell."""
    return [error for code, value in values.items() for error in cell_errors(edition, code, value)]


def _decimal(value) -> Decimal | None:
    """A finite Decimal for an int or Decimal (a float through its shortest text); None for NaN,
    infinity, a bool or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = Decimal(repr(value))
    elif isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    return value


def _shown(value) -> str:
    number = _decimal(value)
    return plain_number(number) if number is not None else str(value)


# --- Dates ----------------------------------------------------------------------------------


def date_order_error(written_on: datetime.date | None, published_on: datetime.date | None) -> str | None:
    """Why a report cannot be 发布 before it was 成文 (None when the dates agree or one is unknown)."""
    if written_on is None or published_on is None or published_on >= written_on:
        return None
    return (
        f"发布日期({published_on:%Y-%m-%d})早于成文日期({written_on:%Y-%m-%d}):"
        "报告不能在成文之前发布,请按原文核对两个日期。"
    )


def editor_codes() -> list[Code]:
    """The union of both editions' codes, sorted: the inputs of an editor's grid whatever the edition."""
    return sorted({code for e in (EDITION_2021, EDITION_2019) for code in _all_codes(e)})


def _all_codes(edition: str) -> list[Code]:
    return [(t.code, r, c) for t in tables_for(edition).values() for r, c in t.cells()]


# --- Showing values -------------------------------------------------------------------------


def plain_number(value: Decimal) -> str:
    """A number without trailing zeros: 12, 0.5."""
    return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))


def format_value(value: Decimal | None, kind: str = INTEGER) -> str:
    """How a number is shown to people: blank stays blank, integers without decimals, amounts with at
    least two decimals and every decimal they were printed with (0.092, 24252.311082, 6858.50)."""
    if value is None:
        return ""
    if kind == AMOUNT and value != value.to_integral():
        exponent = value.normalize().as_tuple().exponent
        return format(value.quantize(Decimal(1).scaleb(min(exponent, -2))), "f")
    return plain_number(value)


def display_number(value, kind: str = INTEGER) -> str:
    """A figure as people read it in statistics: thousands separated, amounts with two decimals."""
    if value is None:
        return ""
    text = format_value(Decimal(value), kind)
    whole, dot, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ",".join(groups) + (dot + frac if dot else "")


def json_number(value, kind: str):
    """A number in the open-data JSON: counts as integers, amounts as decimal strings; blank is None."""
    if value is None:
        return None
    if kind == AMOUNT:
        return format_value(Decimal(value), AMOUNT)
    return int(value)


def spreadsheet_number(value: Decimal | None, kind: str):
    """A number as a spreadsheet value: int for counts, the exact Decimal for 万元 amounts."""
    if value is None:
        return None
    if kind == AMOUNT:
        return Decimal(value).normalize() if value != value.to_integral() else Decimal(int(value))
    return int(value)
