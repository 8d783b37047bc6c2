"""Full-text search (selectors/search.py, services/search.py): the same tests on SQLite (FTS5) and
PostgreSQL (tsvector + GIN), as scripts/test.sh runs the suite on both."""

import datetime
import re

import pytest
from django.core.management import call_command

from reports.importers.parsed import ParsedSection
from reports.models import Report, ReportSearch
from reports.selectors import search
from reports.selectors.search import search_query, snippet_html
from reports.services.reports import report_publish, report_set_sections, report_withdraw, reports_delete

pytestmark = pytest.mark.django_db


def hits(client, query: str, **params):
    response = client.get("/reports/", {"q": query, **params})
    assert response.status_code == 200
    return response, [hit.report.title for hit in response.context["page"].object_list]


def body(text: str):
    return (("一", "总体情况", text),)


@pytest.fixture
def ranked(make_report):
    """Five reports where the best match for 复议 is known: one has it in its title, one six times
    in its text, two once, one not at all."""
    make_report(
        publisher="甲县人民政府",
        region="520181",
        title="甲县2023年行政复议和政府信息公开工作报告",
        sections=body("全年主动公开政府信息100条。"),
    )
    make_report(
        publisher="乙县人民政府",
        region="520181",
        year=2022,
        title="乙县2022年政府信息公开工作年度报告",
        sections=body("行政复议案件6件。" + "行政复议决定均已公开。" * 5),
    )
    make_report(
        publisher="丙县人民政府", region="440800", title="丙县年报", sections=body("行政复议1件。全年主动公开信息。")
    )
    make_report(
        publisher="丁县人民政府", region="440800", title="丁县年报", sections=body("全年主动公开信息。行政复议1件。")
    )
    make_report(publisher="戊县人民政府", region="440800", title="戊县年报", sections=body("全年主动公开信息200条。"))


def test_the_report_with_the_word_in_its_title_ranks_first_then_the_one_that_repeats_it(client, ranked):
    """Relevance: title above body, many occurrences above one; a report without the word is not found."""
    _, titles = hits(client, "复议")
    assert titles[:2] == ["甲县2023年行政复议和政府信息公开工作报告", "乙县2022年政府信息公开工作年度报告"]
    assert sorted(titles[2:]) == ["丁县年报", "丙县年报"]


def test_sort_by_date_on_request(client, make_report):
    """sort=date lists the matches newest first whatever their relevance."""
    make_report(publisher="甲", title="行政复议报告", published_on=datetime.date(2020, 1, 1))
    make_report(publisher="乙", title="年报", sections=body("行政复议。"), published_on=datetime.date(2024, 1, 1))
    assert hits(client, "复议")[1] == ["行政复议报告", "年报"]
    assert hits(client, "复议", sort="date")[1] == ["年报", "行政复议报告"]


def test_words_must_all_match_and_a_quoted_phrase_must_be_contiguous(client, make_report):
    """政策 解读 needs both words anywhere; "政策解读" needs them side by side."""
    make_report(publisher="甲", title="甲年报", sections=body("发布政策解读10篇。"))
    make_report(publisher="乙", title="乙年报", sections=body("公开政策文件5件,解读材料2篇。"))
    make_report(publisher="丙", title="丙年报", sections=body("公开政策文件5件。"))
    assert sorted(hits(client, "政策 解读")[1]) == ["乙年报", "甲年报"]
    assert hits(client, '"政策解读"')[1] == ["甲年报"]
    assert hits(client, "“政策解读”")[1] == ["甲年报"]


def test_a_traditional_query_finds_simplified_text(client, ranked):
    """行政復議 is converted to 行政复议 before it is cut into words."""
    assert hits(client, "行政復議")[1] == hits(client, "行政复议")[1] != []


def test_a_two_character_string_is_a_word_not_a_substring(client, make_report):
    """复议 is a dictionary word and matches it; 民共 is no word and does not match 人民共和国 in the
    text (a substring test would); a single character looks in titles only."""
    make_report(publisher="甲", title="甲县年报", sections=body("依据《中华人民共和国政府信息公开条例》。"))
    make_report(publisher="乙", title="乙市年报", sections=body("本县行政复议1件。"))
    assert hits(client, "民共")[1] == []
    assert hits(client, "复议")[1] == ["乙市年报"]
    assert hits(client, "县")[1] == ["甲县年报"]


def test_an_index_number_is_found_by_substring(client, make_report):
    report = make_report(publisher="甲", title="甲年报")
    Report.objects.filter(pk=report.pk).update(index_no="000014349/2021-00012")
    make_report(publisher="乙", title="乙年报")
    assert hits(client, "2021-00012")[1] == ["甲年报"]


def test_facets_count_by_region_year_kind_and_publisher_and_link_to_the_narrowed_search(client, ranked):
    response, titles = hits(client, "复议")
    assert len(titles) == 4
    facets = {f["name"]: f["values"] for f in response.context["facets"]}
    assert [(v["label"], v["count"]) for v in facets["region"]] == [("广东省", 2), ("贵州省", 2)]
    assert [(v["label"], v["count"]) for v in facets["year"]] == [("2023年", 3), ("2022年", 1)]
    assert [(v["label"], v["count"]) for v in facets["kind"]] == [("政府信息公开工作年度报告", 4)]
    assert sorted(v["label"] for v in facets["publisher"]) == [
        "丁县人民政府",
        "丙县人民政府",
        "乙县人民政府",
        "甲县人民政府",
    ]
    html = response.content.decode()
    for name, label, expected in (("region", "贵州省", 2), ("year", "2022年", 1), ("publisher", "丙县人民政府", 1)):
        url = next(v["url"] for v in facets[name] if v["label"] == label)
        assert url.replace("&", "&amp;") in html
        narrowed = client.get("/reports/" + url)
        assert narrowed.context["total"] == expected
    # Inside a province the region facet counts its prefectures.
    inside = client.get("/reports/", {"q": "复议", "region": "440000"})
    assert [(v["label"], v["count"]) for v in {f["name"]: f["values"] for f in inside.context["facets"]}["region"]] == [
        ("湛江市", 2)
    ]


def test_snippets_mark_the_matches_and_escape_everything_else(client, make_report):
    """A report text holding markup shows it as text: only <mark> is HTML."""
    make_report(
        publisher="甲",
        title="<b>甲</b>年报",
        sections=body('网站被插入<script>alert("x")</script>的行政复议页面已整改。'),
    )
    response, _ = hits(client, "复议")
    html = response.content.decode()
    assert "<script>alert" not in html and "<b>甲" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    hit = response.context["page"].object_list[0]
    assert "<mark>" in hit.snippet and "复议" in re.sub("<[^>]+>", "", hit.snippet)
    assert "&lt;b&gt;甲&lt;/b&gt;年报" == str(hit.marked_title)


def test_snippet_html_removes_the_segmentation_and_escapes():
    assert (
        snippet_html("本县 \ue000行政复议\ue001 1 件 <i> 。\n下 一 步", ())
        == "本县<mark>行政复议</mark>1件&lt;i&gt;。 下一步"
    )


def test_the_report_page_marks_the_searched_words(client, make_report):
    """Opened from a search (?q=), the report shows the matched words in <mark>, escaped."""
    report = make_report(publisher="甲", title="甲年报", sections=body("本年度行政复议1件,<em>无</em>诉讼。"))
    html = client.get(f"/reports/{report.pk}/", {"q": "复议 <em>"}).content.decode()
    assert "行政<mark>复议</mark>1件" in html
    assert "<em>无" not in html
    plain = client.get(f"/reports/{report.pk}/").content.decode()
    assert "<mark>" not in plain


def test_the_index_follows_publish_withdraw_edit_and_delete(client, make_report):
    """Only published reports are found; an edit is searchable at once; a deleted report leaves no row."""
    report = make_report(
        publisher="甲", title="甲年报", status="draft", published_on=None, sections=body("行政复议1件。")
    )
    assert hits(client, "复议")[1] == []
    report_publish(report=report)
    assert hits(client, "复议")[1] == ["甲年报"]
    report_set_sections(report=report, sections=[ParsedSection(number="一", heading="总体情况", body="行政诉讼2件。")])
    assert hits(client, "复议")[1] == [] and hits(client, "诉讼")[1] == ["甲年报"]
    report_withdraw(report=report, reason="数据有误")
    assert hits(client, "诉讼")[1] == []
    reports_delete(reports=[report])
    assert not ReportSearch.objects.filter(report_id=report.pk).exists()


def test_rebuild_command_restores_the_index_and_can_run_twice(client, ranked):
    before = hits(client, "复议")[1]
    ReportSearch.objects.all().delete()
    assert hits(client, "复议")[1] == []
    call_command("rebuild_search_index", "--batch-size", "2")
    call_command("rebuild_search_index")
    assert ReportSearch.objects.count() == Report.objects.count()
    assert hits(client, "复议")[1] == before


def test_search_page_queries_are_bounded(client, ranked, django_assert_max_num_queries):
    # On PostgreSQL three statements run in a savepoint with SET LOCAL (four queries each).
    with django_assert_max_num_queries(17):
        client.get("/reports/", {"q": "复议 公开"})


def test_query_parsing():
    query = search_query('行政復議 "政策 解读" 县 000014349/2021-00012')
    assert [(t.text, t.words, t.phrase, t.field) for t in query.terms] == [
        ("政策解读", ("政策", "解读"), True, "text"),
        ("行政复议", ("行政复议",), False, "text"),
        ("县", ("县",), False, "title"),
        ("000014349/2021-00012", ("000014349", "2021", "00012"), False, "index_no"),
    ]
    assert not search_query("  。,")


def test_many_matches_rank_the_candidates_and_say_the_order_is_approximate(client, ranked, monkeypatch):
    """Beyond EXACT_LIMIT matches only the title matches and the newest matches are ranked; the page
    says so, the title match still comes first and every match is still listed."""
    monkeypatch.setattr(search, "EXACT_LIMIT", 2)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    response, titles = hits(client, "复议")
    assert titles[0] == "甲县2023年行政复议和政府信息公开工作报告"
    assert len(set(titles)) == 4
    html = response.content.decode()
    assert "相关度排序只比较了标题含检索词的和最近收录的各 1 篇报告" in html
    assert "search-approximate" not in hits(client, "复议", region="520181")[0].content.decode()


def test_many_matches_on_postgresql_show_estimated_counts(client, ranked, monkeypatch):
    """On PostgreSQL, for a word commoner than the index names cheaply (INDEX_LIMIT), the count and
    facets beyond EXACT_LIMIT are estimated from a sample and marked 约; SQLite counts exactly."""
    monkeypatch.setattr(search, "EXACT_LIMIT", 2)
    monkeypatch.setattr(search, "INDEX_LIMIT", 0)
    response, _ = hits(client, "复议")
    html = response.content.decode()
    if response.context["search"].vendor == "postgresql":
        # A table this small is sampled whole: the estimate is the exact count, still called 约.
        assert "约 4 条" in html and "数量和分类统计是抽样估计的" in html and "(约 2)" in html
    else:
        assert "共 4 条" in html and "抽样估计" not in html


def test_approximate_numbers_are_rounded_and_written_in_chinese():
    assert search.approximate_number(98_632) == "约 9.9 万"
    assert search.approximate_number(100_000) == "约 10 万"
    assert search.approximate_number(3_400) == "约 3400"
    assert search._two_figures(98_632) == 99_000
    assert search._two_figures(87) == 87


def test_search_results_have_pages(client, make_report, settings):
    """More results than a page holds: the pager leads to the next page, keyword kept."""
    settings.GOVOPEN_PAGE_SIZE = 2
    for year in (2019, 2020, 2021, 2022, 2023):
        make_report(year=year, sections=(("一", "总体情况", "本年度开展政务公开培训。"),))
    first = client.get("/reports/", {"q": "培训"}).content.decode()
    assert 'class="pager"' in first and "第 1 / 3 页" in first and "q=%E5%9F%B9%E8%AE%AD" in first
    third = client.get("/reports/", {"q": "培训", "page": "3"}).content.decode()
    assert "第 3 / 3 页" in third


@pytest.mark.parametrize("exact, index", [(10, 10), (2, 0)])
def test_sort_by_date_is_newest_first_undated_last_with_few_or_many_matches(
    client, make_report, monkeypatch, exact, index
):
    """The same order whether the matches are read whole (sorted in memory) or too many for that (on
    PostgreSQL, the walk down the report_newest index): newest first, a report without a date last."""
    monkeypatch.setattr(search, "EXACT_LIMIT", exact)
    monkeypatch.setattr(search, "INDEX_LIMIT", index)
    for title, day in (("乙", datetime.date(2022, 3, 1)), ("无日期", None), ("甲", datetime.date(2024, 3, 1))):
        make_report(publisher=title, title=f"{title}年报", sections=body("行政复议。"), published_on=day)
    make_report(publisher="丙", title="丙年报", sections=body("全年主动公开。"), published_on=datetime.date(2025, 1, 1))
    assert hits(client, "复议", sort="date")[1] == ["甲年报", "乙年报", "无日期年报"]


def test_an_estimate_near_the_exact_limit_only_says_more_than_the_limit(client, ranked, monkeypatch):
    """A sampled estimate below twice the limit is not shown as a number (约 4 from a few sampled
    matches says more than is known): the page says 超过 3."""
    monkeypatch.setattr(search, "EXACT_LIMIT", 3)
    monkeypatch.setattr(search, "INDEX_LIMIT", 0)
    response, titles = hits(client, "复议")
    assert len(titles) == 4
    if response.context["search"].vendor == "postgresql":
        assert "超过 3 条" in response.content.decode()
    else:
        assert "共 4 条" in response.content.decode()


def test_matches_the_index_names_cheaply_are_counted_exactly_beyond_the_ranking_limit(client, ranked, monkeypatch):
    """More matches than relevance ranks in full, but few enough for the index: exact counts (共 4 条),
    the order marked approximate, the title match first."""
    monkeypatch.setattr(search, "EXACT_LIMIT", 2)
    monkeypatch.setattr(search, "RANK_CANDIDATES", 1)
    response, titles = hits(client, "复议")
    html = response.content.decode()
    assert "共 4 条" in html and "抽样估计" not in html and "相关度排序只比较了" in html
    assert titles[0] == "甲县2023年行政复议和政府信息公开工作报告" and len(set(titles)) == 4
