"""Garbled text that cannot be reversed is named; real Chinese prose is not (reports/importers/normalize.py)."""

from pathlib import Path

import pytest

from reports.importers.dispatch import parse_document
from reports.importers.normalize import common_hanzi, decode_bytes, garbled_lines, normalize_text, text_warnings
from reports.tests.conftest import SEEDS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLEAN = "(一)主动公开政府信息情况。六、其他需要报告的事项:本机关围绕中心工作,持续加强重点领域信息公开。"


def _utf8_read_as_gbk(text: str) -> str:
    """What a wrong conversion leaves: UTF-8 bytes read as GBK, saved again with '?' for what GBK lacks."""
    return text.encode("utf-8").decode("gbk", errors="replace").encode("gbk", errors="replace").decode("gbk")


@pytest.mark.parametrize(
    "garbled",
    [
        "?。ㄒ唬┲鲃庸_",  # bopomofo and a box-drawing piece between characters
        "六?!钡戎行墓ぷ?",  # kana, '?' against characters
        _utf8_read_as_gbk(CLEAN),  # uncommon characters only: 涓诲姩鍏紑…
        _utf8_read_as_gbk("持续加强重点领域信息公开"),
    ],
)
def test_garbled_chinese_is_named(garbled):
    text = f"清镇市人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n{CLEAN}\n{garbled}\n{CLEAN}"
    warnings = [w for w in text_warnings(text) if "疑似乱码" in w]
    assert len(warnings) == 1 and "正文有 1 行疑似乱码" in warnings[0]
    assert garbled_lines(text) == [garbled.strip()]


def test_the_common_characters_are_the_first_level_of_gb2312():
    """3,755 characters; what a report says (主动公开) is in it, the debris of a wrong decoding (涓诲姩鍏紑) mostly not."""
    common = common_hanzi()
    assert len(common) == 3755
    assert set("主动公开政府信息年度报告") <= common
    assert set("涓诲姩鍏紑") & common == {"诲"}


def test_no_clean_seed_or_fixture_reads_as_garbled():
    """The seeds (real reports, seed 001's three '?' spots aside, which have their own warning) and the
    fixtures hold no line that reads as garbled."""
    texts = [normalize_text(decode_bytes(path.read_bytes())) for path in sorted(SEEDS.glob("*.txt"))]
    assert len(texts) == 5
    for text in texts:
        assert garbled_lines(text) == []
    for name in ("report2019.html", "seed004_portal.html", "seed004.docx", "seed003_appendix.docx"):
        report = parse_document(name, (FIXTURES / name).read_bytes(), max_bytes=1 << 24)
        assert not [w for w in report.warnings if "疑似乱码" in w]


def test_place_names_and_a_middle_dot_are_not_garbled():
    """Uncommon characters of place names, and the ・ of a foreign name, are real prose."""
    text = (
        "婺源县、鄱阳县、弋阳县、铅山县、婺城区人民政府\n会见了约翰・史密斯一行。\n亳州市谯城区、涡阳县、蒙城县、利辛县"
    )
    assert garbled_lines(text) == []
