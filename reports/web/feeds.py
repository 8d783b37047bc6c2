"""Atom feeds of newly published reports: all of them, and per region (with its sub-regions)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from reports.regions.codes import is_code
from reports.selectors.regions import region_find
from reports.selectors.reports import report_list_public

FEED_ITEMS = 50


class LatestReportsFeed(Feed):
    """The newest published reports, latest publication first."""

    feed_type = Atom1Feed

    def title(self, obj=None):
        return f"{settings.GOVOPEN_SITE_NAME}:新发布的报告"

    def subtitle(self, obj=None):
        return "政府信息公开工作年度报告及政府信息公开栏目的其他文件。"

    def link(self, obj=None):
        return reverse("reports:list")

    def author_name(self, obj=None):
        return settings.GOVOPEN_SITE_NAME

    def items(self, obj=None):
        qs = report_list_public().prefetch_related("sections")
        return qs[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        intro = f"{item.publisher.name}发布的{item.get_kind_display()}"
        if item.year:
            intro += f"({item.year}年度)"
        text = next((s.body for s in item.sections.all() if s.body.strip()), "")
        return f"{intro}。{Truncator(' '.join(text.split())).chars(200)}" if text else f"{intro}。"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        if item.published_on:
            return timezone.make_aware(datetime.datetime.combine(item.published_on, datetime.time()))
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher.name

    def item_categories(self, item):
        return [*item.region.path, item.get_kind_display()]


class RegionReportsFeed(LatestReportsFeed):
    """The newest published reports of a region and of every region under it."""

    def get_object(self, request, code):
        if not is_code(code):
            raise Http404("地区代码应为六位数字")
        region = region_find(code)
        if region is None:
            raise Http404("地区不存在")
        return region

    def title(self, obj=None):
        return f"{settings.GOVOPEN_SITE_NAME}:{obj.full_name.replace(' › ', '')}新发布的报告"

    def link(self, obj=None):
        return f"{reverse('reports:list')}?region={obj.code}"

    def items(self, obj=None):
        qs = report_list_public().in_region(obj.code).prefetch_related("sections")
        return qs[:FEED_ITEMS]
