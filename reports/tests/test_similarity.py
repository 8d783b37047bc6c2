"""Copy detection: a report re-issued with new numbers is a copy, another report of the same kind is not."""

import re

import pytest

from reports import similarity
from reports.tests.conftest import SEEDS


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def renumbered(text: str) -> str:
    """The previous year's report with every number changed and the year moved on."""
    return re.sub(r"\d+", lambda m: str(int(m.group()) * 3 + 1), text)


@pytest.fixture
def report_text():
    return seed_text("000")


def test_numbers_punctuation_and_spaces_do_not_count():
    assert similarity.normalize("2023年,受理申请 292 件。") == similarity.normalize("2024年:受理申请301件!")
    assert similarity.normalize("收费0.5万元") == "收费#万元"


def test_a_copy_with_new_numbers_is_found(report_text):
    """The text of a report with all numbers changed scores 1.0, well over the threshold."""
    a = similarity.section_text([report_text])
    b = similarity.section_text([renumbered(report_text)])
    assert similarity.jaccard(a, b) == 1.0
    assert similarity.similarity(similarity.signature(a), similarity.signature(b)) == 1.0


def test_a_lightly_edited_copy_is_still_found(report_text):
    """Two sentences of about forty rewritten: still a copy; the estimate is close to the exact index."""
    sentences = report_text.split("。")
    edited = sentences[:]
    edited[5] = "本年度我们围绕优化营商环境,推动政务公开标准化规范化建设取得新进展"
    edited[20] = "加强政务新媒体管理,开展专项检查,整改发现的问题"
    a = similarity.section_text(["。".join(sentences)])
    b = similarity.section_text(["。".join(edited)])
    exact = similarity.jaccard(a, b)
    estimate = similarity.similarity(similarity.signature(a), similarity.signature(b))
    assert exact >= similarity.THRESHOLD
    assert estimate >= similarity.THRESHOLD
    assert abs(estimate - exact) < 0.1


def test_another_report_of_the_same_kind_is_not_a_copy(report_text):
    """Two real reports share the standard headings and phrases but score far below the threshold."""
    a = similarity.section_text([report_text])
    b = similarity.section_text([seed_text("001")])
    estimate = similarity.similarity(similarity.signature(a), similarity.signature(b))
    assert estimate < 0.5
    assert abs(estimate - similarity.jaccard(a, b)) < 0.1


def test_short_texts_get_no_signature():
    assert similarity.signature(similarity.section_text(["2023年,我市依申请公开工作……"])) is None
    assert similarity.similarity(None, b"") is None
