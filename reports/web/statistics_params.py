"""Query parameters of the statistics pages and API: parsed once, errors named by parameter."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import QueryDict

from reports import format as fmt
from reports.models import Publisher, Region
from reports.selectors.filters import deepest_region
from reports.selectors.publishers import publisher_find
from reports.selectors.regions import region_get
from reports.selectors.statistics.scope import SORT_KEYS, default_year_range

MAX_SPAN = 30
MAX_ENTITIES = 6


class ParamErrors(Exception):
    """Invalid query parameters: a list of (parameter, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors

    @property
    def parameter(self) -> str:
        return self.errors[0][0]

    @property
    def messages(self) -> list[str]:
        return [f"参数 {p}:{m}" for p, m in self.errors]

    def as_json(self) -> dict:
        return {
            "error": self.messages[0],
            "parameter": self.parameter,
            "errors": [{"parameter": p, "message": m} for p, m in self.errors],
        }


@dataclass
class ScopeParams:
    region: Region | None
    year_from: int
    year_to: int
    sort: str = "received"
    order: str = "desc"
    psort: str = "received"
    porder: str = "desc"


def _region(code: str, errors: list, name: str = "region") -> Region | None:
    try:
        return region_get(code=code)
    except ValidationError as e:
        errors.append((name, e.messages[0]))
        return None


def _year(query: QueryDict, name: str, errors: list) -> int | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or not fmt.plausible_year(int(raw)):
        errors.append((name, f"“{raw}”不是有效的年度,应为 {fmt.FIRST_YEAR}—{fmt.LAST_YEAR} 之间的四位数字,如 2023。"))
        return None
    return int(raw)


def _years(query: QueryDict, available: list[int], errors: list) -> tuple[int, int]:
    year_errors: list[tuple[str, str]] = []
    year_from, year_to = _year(query, "year_from", year_errors), _year(query, "year_to", year_errors)
    errors.extend(year_errors)
    default_from, default_to = default_year_range(available)
    if year_from is None and year_to is None:
        year_from, year_to = default_from, default_to
    elif year_from is None:
        year_from = min(default_from, year_to)
    elif year_to is None:
        year_to = max(default_to, year_from)
    if year_errors:
        return year_from, year_to
    if year_from > year_to:
        errors.append(("year_from", f"起始年度 {year_from} 晚于截止年度 {year_to}。"))
    elif year_to - year_from >= MAX_SPAN:
        errors.append(("year_from", f"年度范围不能超过 {MAX_SPAN} 年。"))
    return year_from, year_to


def scope_params(query: QueryDict, *, available: list[int]) -> ScopeParams:
    """region (optional: the country), year_from, year_to and the sort orders of the breakdowns."""
    errors: list[tuple[str, str]] = []
    code = deepest_region(query)
    region = _region(code, errors) if code else None
    year_from, year_to = _years(query, available, errors)
    p = ScopeParams(region, year_from, year_to)
    for key_name, order_name in (("sort", "order"), ("psort", "porder")):
        key = query.get(key_name) or "received"
        order = query.get(order_name) or "desc"
        if key not in SORT_KEYS:
            errors.append((key_name, f"不能按“{key}”排序,可选:{'、'.join(SORT_KEYS)}。"))
        if order not in ("asc", "desc"):
            errors.append((order_name, "排序方向应为 asc 或 desc。"))
        setattr(p, key_name, key)
        setattr(p, order_name, order)
    if errors:
        raise ParamErrors(errors)
    return p


@dataclass
class CompareParams:
    regions: list[Region]
    publishers: list[Publisher]
    year_from: int
    year_to: int


def compare_params(query: QueryDict, *, available: list[int]) -> CompareParams:
    """Repeated ``region`` and ``publisher`` parameters (up to six in all) and the years."""
    errors: list[tuple[str, str]] = []
    regions = []
    codes = [c.strip() for c in query.getlist("region") if c.strip()]
    # The province → prefecture → county choosers add one region: the deepest one chosen.
    added = [c.strip() for c in query.getlist("add_region") if c.strip()]
    if added:
        codes.append(added[-1])
    for code in dict.fromkeys(codes):
        region = _region(code, errors)
        if region is not None:
            regions.append(region)
    publishers = []
    for raw in dict.fromkeys(p.strip() for p in query.getlist("publisher") if p.strip()):
        publisher = publisher_find(raw)
        if publisher is None:
            errors.append(("publisher", f"发布机构编号“{raw}”不存在。"))
        else:
            publishers.append(publisher)
    if len(regions) + len(publishers) > MAX_ENTITIES:
        errors.append(("region", f"最多同时比较 {MAX_ENTITIES} 个地区或发布机构。"))
    year_from, year_to = _years(query, available, errors)
    if errors:
        raise ParamErrors(errors)
    return CompareParams(regions, publishers, year_from, year_to)


def compliance_params(query: QueryDict, *, default_year: int) -> tuple[Region | None, int]:
    """region (optional: the country) and year (default: the newest year already due)."""
    errors: list[tuple[str, str]] = []
    code = deepest_region(query)
    region = _region(code, errors) if code else None
    year = _year(query, "year", errors)
    if errors:
        raise ParamErrors(errors)
    return region, year or default_year
