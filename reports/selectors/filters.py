"""The public list's filters; their parameters live in the URL so a search can be shared."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict

from reports import format as fmt
from reports.models import Publisher, ReportKind
from reports.selectors.regions import region_get
from reports.selectors.reports import report_list_public
from reports.selectors.search import search_reports


def _validate_region(code: str) -> None:
    region_get(code=code)


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def year_filter(label: str, lookup: str, example: int) -> IntegerFilter:
    return IntegerFilter(
        label=label,
        field_name="year",
        lookup_expr=lookup,
        min_value=fmt.FIRST_YEAR,
        max_value=fmt.LAST_YEAR,
        error_messages={"invalid": f"{label}应为四位数字,如 {example}。"},
    )


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_q", max_length=200)
    region = django_filters.CharFilter(
        label="地区",
        method="filter_region",
        validators=[_validate_region],
        max_length=6,
    )
    year = year_filter("年度", "exact", 2023)
    # A range of years, for links from the statistics (a figure summed over several years).
    year_from = year_filter("起始年度", "gte", 2019)
    year_to = year_filter("截止年度", "lte", 2023)
    kind = django_filters.ChoiceFilter(label="类别", choices=ReportKind.choices, empty_label="全部类别")
    publisher = django_filters.ModelChoiceFilter(
        label="发布机构",
        queryset=Publisher.objects.all(),
        error_messages={"invalid_choice": "所选发布机构不存在。"},
        widget=forms.HiddenInput,
    )

    class Meta:
        fields = ["q", "region", "year", "year_from", "year_to", "kind", "publisher"]

    def __init__(self, *args, keyword: bool = True, **kwargs):
        # keyword=False leaves ``q`` to the caller, which ranks the results (selectors/search.py).
        super().__init__(*args, **kwargs)
        self.keyword = keyword

    def filter_q(self, qs, name, value):
        return search_reports(qs, value) if self.keyword else qs

    def filter_region(self, qs, name, value):
        return qs.in_region(value)


class ParameterError(ValueError):
    """An invalid filter parameter, with its name (the API answers 400 naming it)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def filter_params(params: MultiValueDict) -> MultiValueDict:
    """The list page's query string, with ``region`` taken from the deepest region chooser filled in."""
    data = params.copy()
    if "q" in data:
        data["q"] = clean_query(data.get("q") or "")
    code = deepest_region(params)
    if code:
        data.setlist("region", [code])
    elif "region" in data:
        del data["region"]
    return data


# A search is a few words: longer input is cut (the search box says so by its maxlength too).
MAX_QUERY_CHARS = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def clean_query(q: str) -> str:
    """The keywords as searched: control characters and lone surrogates out, at most
    ``MAX_QUERY_CHARS`` characters."""
    return _CONTROL.sub(" ", q).strip()[:MAX_QUERY_CHARS]


def deepest_region(params: MultiValueDict) -> str:
    """The region of the province → prefecture → county choosers: the deepest one filled in."""
    codes = [c.strip() for c in params.getlist("region") if c.strip()]
    return codes[-1] if codes else ""


def reports_matching(params: MultiValueDict) -> QuerySet:
    """Published reports selected by the list page's filters (q, region, year, kind, publisher)."""
    filterset = ReportFilter(filter_params(params), queryset=report_list_public())
    if not filterset.is_valid():
        name, messages = next(iter(filterset.errors.items()))
        raise ParameterError(name, messages[0])
    return filterset.qs
