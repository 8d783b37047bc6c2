"""The public list's filters; their parameters live in the URL so a search can be shared."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from reports.models import Publisher, Region, ReportKind
from reports.search import search_reports


def _validate_region(code: str) -> None:
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationError(f"地区代码“{code}”格式不正确,应为六位数字。")
    if not Region.objects.filter(code=code).exists():
        raise ValidationError(f"地区代码“{code}”不存在。")


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_q", max_length=200)
    region = django_filters.CharFilter(
        label="地区",
        method="filter_region",
        validators=[_validate_region],
        max_length=6,
    )
    year = IntegerFilter(
        label="年度",
        field_name="year",
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": "年度应为四位数字,如 2023。"},
    )
    # A range of years, for links from the statistics (a figure summed over several years).
    year_from = IntegerFilter(
        label="起始年度",
        field_name="year",
        lookup_expr="gte",
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": "起始年度应为四位数字,如 2019。"},
    )
    year_to = IntegerFilter(
        label="截止年度",
        field_name="year",
        lookup_expr="lte",
        min_value=1990,
        max_value=2100,
        error_messages={"invalid": "截止年度应为四位数字,如 2023。"},
    )
    kind = django_filters.ChoiceFilter(label="类别", choices=ReportKind.choices, empty_label="全部类别")
    publisher = django_filters.ModelChoiceFilter(
        label="发布机构",
        queryset=Publisher.objects.all(),
        error_messages={"invalid_choice": "所选发布机构不存在。"},
        widget=forms.HiddenInput,
    )

    class Meta:
        fields = ["q", "region", "year", "year_from", "year_to", "kind", "publisher"]

    def filter_q(self, qs, name, value):
        return search_reports(qs, value)

    def filter_region(self, qs, name, value):
        return qs.in_region(value)
