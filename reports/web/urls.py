from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from reports.web import api, display, feeds, openapi, opendata, sitemaps
from reports.web import downloads as views_downloads
from reports.web import pages as views
from reports.web import statistics as views_statistics

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="list"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("api/reports/<int:pk>/", api.report_detail, name="api_detail"),
    path("regions/children/", views.region_children, name="region_children"),
    path("statistics/", views_statistics.statistics_page, name="statistics"),
    path("statistics/download/", views_statistics.statistics_download, name="statistics_download"),
    path("statistics/compare/", views_statistics.compare_page, name="compare"),
    path("statistics/compare/download/", views_statistics.compare_download, name="compare_download"),
    path("api/statistics/", views_statistics.statistics_api, name="api_statistics"),
    path("compliance/", views_statistics.compliance_page, name="compliance"),
    path("compliance/download/", views_statistics.compliance_download, name="compliance_download"),
    # Downloads, bulk open data, API, feeds, sitemap (issue #4)
    path("reports/<int:pk>/download.<str:ext>", views_downloads.report_download, name="download"),
    path("reports/<int:pk>/print/", views_downloads.report_print, name="print"),
    path("reports/export.<str:ext>", views_downloads.reports_export, name="export"),
    path("opendata/", opendata.opendata_page, name="opendata"),
    path("opendata/reports.<str:ext>", opendata.opendata_file, name="opendata_file"),
    path("api/", api.api_docs, name="api_docs"),
    path("api/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("api/reports/", api.report_list, name="api_reports"),
    path("api/regions/", api.region_list, name="api_regions"),
    path("feeds/reports.atom", feeds.LatestReportsFeed(), name="feed"),
    path("feeds/regions/<str:code>.atom", feeds.RegionReportsFeed(), name="region_feed"),
    path("display/", display.display_switch, name="display"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "reports:sitemap"}),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
]
