"""What a document says about itself: title, kind, year, signature, publisher, region and edition.

Found as a Chinese reader finds them: the title (one or two lines), the opening sentence
(现公布…, 本报告由…编制), the statistical period, the signature (落款) and contact lines; the region
from the body's name and the places the text names (reports.regions.names), never guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reports import format as fmt
from reports.format.values import compact, plausible_year
from reports.importers.labels import edition_from_labels
from reports.importers.parsed import ParsedReport
from reports.regions.central import CENTRAL_CODE, central_body
from reports.regions.codes import COUNTY, code_level
from reports.regions.names import Resolution, region_index
from reports.regions.places import TOWNSHIP, ZONE

ANNUAL_REPORT, WORK_PLAN, GUIDE, OTHER = "annual_report", "work_plan", "guide", "other"
KINDS = (ANNUAL_REPORT, WORK_PLAN, GUIDE, OTHER)
# Words of the part headings of an old-format (2008 条例) report, used to tell the kind.
_OLD_PART_WORDS = ("主动公开", "依申请公开", "收费", "行政复议", "存在问题", "存在的主要问题", "改进")

# --- Numerals, dates, names -------------------------------------------------------------------

_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20; digit strings such as 二〇二四 read digit by digit."""
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" not in text:
        if not all(c in _DIGITS for c in text):
            return None
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    if (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


_NUM = r"[0-9〇○零一二三四五六七八九十]"
_DATE = re.compile(rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日")
_DATE_LINE = re.compile(rf"^{_DATE.pattern}$")


def parse_date(text: str) -> datetime.date | None:
    """2023年2月17日 or 二〇二四年一月三十一日 as a date; None if it is not a valid one."""
    m = _DATE.search(text)
    if not m:
        return None
    parts = [chinese_number(g) for g in m.groups()]
    if None in parts:
        return None
    try:
        return datetime.date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


# A body that publishes documents: the name ends like an organ.
_ORGAN_END = re.compile(
    r"(?:政府|办公室|办公厅|委员会|管委会|管理委员会|办事处|局|委|厅|办|中心|院|署|部|处|所|站|队|会|公司)$"
)
_NOT_IN_NAME = re.compile(r"[,,。;;::、!?!?《》“”\"()()\d|]")


def looks_like_organ(text: str) -> bool:
    """Whether a short text is the name of a publishing body (湛江市人民政府办公室)."""
    return 3 <= len(text) <= 40 and not _NOT_IN_NAME.search(text) and bool(_ORGAN_END.search(text))


# --- Title, kind, year --------------------------------------------------------------------------

_TITLE_WORDS = re.compile(r"报告|年报|要点|通知|指南|办法|方案|意见|规定|决定|公告|目录|制度|计划")
_SENTENCE_PUNCT = re.compile(r"[,,。;;:]")
_ANNOUNCE = r"现(?:特)?(?:向社会)?(?:予以?)?公布[《<〈]?"
_PUBLISHED = re.compile(
    rf"{_ANNOUNCE}(?P<pub>[^。《》<>〈〉]{{0,40}}?)(?P<year>\d{{4}})\s*年度?"
    r"(?P<rest>[^。《》<>〈〉]{0,30}?(?:年度报告|工作报告))"
)
# 现向社会公布2021年石家庄市教育局政府信息公开工作年度报告: the year before the body. A body whose
# name ends in 人民政府 shares 政府 with what follows (合水镇人民政府信息公开工作年度报告).
_PUBLISHED_YEAR_FIRST = re.compile(
    rf"{_ANNOUNCE}(?P<year>\d{{4}})\s*年度?(?P<pub>[^。《》<>〈〉\d]{{2,40}}?)"
    r"(?P<rest>政府信息公开(?:工作)?(?:年度报告|年报|工作报告))"
)
# What a name is followed by in running text and is no part of it: 随县经济开发区(以下简称县开发区).
_ALIAS = re.compile(r"[((]以下(?:简称|称)[^))]{0,20}[))]")


def _announced(text: str) -> tuple[str, int, str] | None:
    """(body, year, rest of the title) of the opening sentence that publishes the report, if any."""
    head = text[:1000]
    m = _PUBLISHED.search(head)
    if m and m["pub"].strip():
        return _ALIAS.sub("", m["pub"]).strip(), int(m["year"]), m["rest"]
    first = _PUBLISHED_YEAR_FIRST.search(head)
    if first:
        pub = _ALIAS.sub("", first["pub"]).strip()
        return (pub + "政府" if pub.endswith("人民") else pub), int(first["year"]), first["rest"]
    return ("", int(m["year"]), m["rest"]) if m else None


HEADING = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})[、.．]\s*(?P<text>\S.{0,39})$")


def title_line(lines: Sequence[str]) -> str:
    """The first line if it reads as a title (short, no sentence punctuation, names a document type)."""
    first = _TRAILING_BARS.sub("", next((line for line in lines if line), ""))
    if not first or len(first) > 80 or HEADING.match(first) or _SENTENCE_PUNCT.search(first) or "|" in first:
        return ""
    return first if _TITLE_WORDS.search(first) else ""


# A title copied from a portal page keeps the cell border after it: 云县人民政府2022年…年度报告 |
_TRAILING_BARS = re.compile(r"[\s|]+$")
# A title names its year or its kind of report; a page's chrome above it (网站支持IPv6, 智能问答 |
# 无障碍浏览) names neither. How far down a copied page the title is looked for.
_REPORT_TITLE = re.compile(r"\d{4}\s*年.*(?:报告|年报)|(?:报告|年报)$")
_TITLE_SEARCH = 6


def title_of(lines: Sequence[str]) -> tuple[str, int]:
    """The title and how many leading lines it takes.

    One line, or two when a printed title is set on two lines and the second names the kind of
    document (``淮安市人民政府`` / ``2024年政府信息公开工作年度报告``). A line that repeats the
    body's name before the full title (``正阳街道`` / ``正阳街道办事处2023年…``) is no part of it.
    A page's chrome before the title (short lines naming no report) is skipped.
    """
    for skip in range(min(_TITLE_SEARCH, len(lines))):
        head = lines[skip:]
        if skip and not _is_chrome(lines[skip - 1]):
            break
        first = title_line(head)
        if first and (skip == 0 or _REPORT_TITLE.search(first)):
            return first, skip + 1
        if len(head) >= 2 and head[1].startswith(head[0]) and title_line(head[1:]):
            return title_line(head[1:]), skip + 2
        if (
            len(head) >= 2
            and len(head[0]) <= 40
            and "|" not in head[0]
            and _TITLE_WORDS.search(head[1])
            and title_line([head[0] + head[1]])
        ):
            return head[0] + head[1], skip + 2
    return "", 0


def _is_chrome(line: str) -> bool:
    """A short line of a page around the report: no sentence, no report named."""
    return len(line) <= 60 and not _SENTENCE_PUNCT.search(line) and not _REPORT_TITLE.search(line)


def title_from_opening(text: str) -> str:
    """The report's title as the opening sentence announces it: 现公布《…年度报告》."""
    found = _announced(text)
    if not found:
        return ""
    pub, year, rest = found
    return f"{pub}{year}年{rest}".strip()


def detect_kind(title: str, opening: str, headings: Iterable[str] = ()) -> str:
    """annual_report, work_plan, guide or other, from the title, else the opening, else the headings."""
    if re.search(r"要点|工作计划|实施方案", title):
        return WORK_PLAN
    if re.search(r"(?:通知|函)$", title):
        # A notice that publishes the report (关于印发《…2023年政府信息公开工作年度报告》的通知) is the
        # report when its parts follow; a notice about something else (关于做好年度报告编制工作的
        # 通知) is no report itself.
        if re.search(r"印发.{0,40}年度报告", title):
            words = [w for part in fmt.PARTS for w in part.match]
            if sum(any(w in h for w in words) for h in headings) >= 3:
                return ANNUAL_REPORT
        return GUIDE if re.search(r"印发.{0,40}指南", title) else OTHER
    for text in (title, opening):
        if "年度报告" in text or "年报" in text:
            return ANNUAL_REPORT
        if re.search(r"印发.{0,40}(?:要点|工作计划|实施方案)", text):
            return WORK_PLAN
        if "指南" in text:
            return GUIDE
    words = [w for part in fmt.PARTS for w in part.match] + list(_OLD_PART_WORDS)
    hits = sum(any(w in h for w in words) for h in headings)
    return ANNUAL_REPORT if hits >= 3 else OTHER


_STATISTICAL_PERIOD = re.compile(
    r"统计(?:时限|期限|时间|期)[^。\d]{0,6}(\d{4})年1月1日(?:起)?(?:至|到|-|—)(?:(\d{4})年)?12月31日"
)
_OPENING_YEAR = re.compile(r"^(\d{4})\s*年度?[,,、]")


def detect_year(title: str, text: str, lines: Sequence[str] = ()) -> int | None:
    """The year a document is about: its title, 现公布…年度报告, the statistical period, or 20xx年, in the body."""
    candidates = []
    m = re.search(r"(\d{4})\s*年", title) or re.search(r"([〇○零一二三四五六七八九]{4})\s*年", title)
    candidates.append(chinese_number(m.group(1)) if m else None)
    found = _announced(text)
    candidates.append(found[1] if found else None)
    m = _STATISTICAL_PERIOD.search(compact(text))
    candidates.append(int(m.group(1)) if m and m.group(2) in (None, m.group(1)) else None)
    m = next((m for line in lines[:40] if (m := _OPENING_YEAR.match(line))), None)
    candidates.append(int(m.group(1)) if m else None)
    return next((y for y in candidates if plausible_year(y)), None)


# --- Signature, publisher -----------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """The 落款: the publishing body and the date under the text."""

    publisher: str
    date: datetime.date
    line: int  # index of the publisher's line
    lines: int  # how many lines the signature takes


def find_signature(lines: Sequence[str]) -> Signature | None:
    """The last 落款 in the text: a body's name over a date (or both on one line)."""
    found = None
    for i, line in enumerate(lines):
        m = _DATE_LINE.match(line)
        if m and i > 0 and looks_like_organ(lines[i - 1]) and (date := parse_date(line)):
            found = Signature(lines[i - 1], date, i - 1, 2)
            continue
        m = _DATE.search(line)
        if m and m.end() == len(line) and looks_like_organ(line[: m.start()].strip()) and (date := parse_date(line)):
            found = Signature(line[: m.start()].strip(), date, i, 1)
    return found


def publisher_from_title(title: str) -> str:
    """湛江市人民政府办公室关于印发… or 清镇市人民政府办公室2023年…报告 -> the body's name."""
    for pattern in (r"^(.+?)关于", r"^(.+?)\d{4}\s*年", r"^\d{4}\s*年度?(.+?)(?:政府信息公开|政务公开)"):
        m = re.match(pattern, title)
        if m and looks_like_organ(m.group(1)):
            return m.group(1)
    return ""


def publisher_from_place(title: str) -> str:
    """乐至县2021年…年度报告: a title that opens with a place and no body is that place's 人民政府."""
    m = re.match(r"^(.{2,30}?)(?:\d{4}\s*年|关于)", title) or re.match(
        r"^\d{4}\s*年度?(.{2,30}?)(?:政府信息公开|政务公开)", title
    )
    if not m or not _TITLE_WORDS.search(title):
        return ""
    place = m.group(1).strip()
    found = region_index().resolve(place)
    if not (found.code or found.ambiguous):
        return ""
    if place.endswith(_ZONE_SUFFIXES):
        return f"{place}管理委员会"  # a zone's organ is its 管委会
    if found.name != place or not place.endswith(_PLACE_SUFFIXES):
        return ""
    return f"{place}人民政府"


_PLACE_SUFFIXES = ("省", "市", "区", "县", "旗", "州", "盟")
_ZONE_SUFFIXES = ("开发区", "经开区", "高新区", "实验区", "试验区", "新区", "园区", "示范区", "合作区")


def publisher_from_opening(text: str) -> str:
    found = _announced(text)
    return found[0] if found and looks_like_organ(found[0]) else ""


_OUR_PLACE = re.compile(r"我(市|区|县)")


def infer_publisher(text: str) -> str:
    """For a text that only says 我市 … 市政府: the government of the city it names most often."""
    m = _OUR_PLACE.search(text)
    if not m or not re.search(rf"{m.group(1)}(?:人民)?政府", text):
        return ""
    code = region_index().most_mentioned(text, m.group(1))
    return f"{region_index().name_of(code)}人民政府" if code else ""


# --- Region -------------------------------------------------------------------------------------


def detect_region(report: ParsedReport, text: str, places: Sequence[str] = ()) -> None:
    """The region of the report, as a reader finds it: from the publisher's name, then the other
    ``places`` that name the body (title, the sentence saying who compiled the report, the
    signature, contact lines), in that order. A name several regions carry is narrowed by the rest
    of the text or left for the editor with its candidates; a central body with no place in its
    name is filed under the 中央 level.
    """
    index = region_index()
    sources = [s for s in (report.publisher, *places) if s]
    address = contact_address(text)
    ambiguous = None
    for source in sources:
        found = index.find(source, text)
        if found.code:
            report.region_code = found.code
            report.warnings.extend(_region_notes(found))
            if source == address and source not in sources[:-1]:
                report.warnings.append(
                    f"所属地区仅由联系地址“{source}”推断为{index.full_name(found.code)}({found.code}),"
                    "发布机关不一定属于其所在地的行政区划,请核对"
                )
            return
        if found.ambiguous and ambiguous is None:
            ambiguous = found
    if ambiguous is not None:
        report.region_candidates = ambiguous.candidates
        shown = ambiguous.candidates[:_CHOICES_SHOWN]
        choices = "、".join(f"{index.full_name(c)}({c})" for c in shown)
        if len(ambiguous.candidates) > len(shown):
            choices += f"等{len(ambiguous.candidates)}处"
        if ambiguous.place:
            report.warnings.append(
                f"{_PLACE_KINDS[ambiguous.place_kind]}“{ambiguous.place}”在多个县区都有:{choices},未自动确定,请手工选择"
            )
        else:
            report.warnings.append(f"地区名称“{ambiguous.name}”对应多个行政区划:{choices},未自动确定,请手工选择")
        return
    if any(central_body(s) for s in sources[:2]):
        report.region_code = CENTRAL_CODE
        return
    where = f"发布机构“{report.publisher}”" if report.publisher else "标题和正文"
    report.warnings.append(f"未能从{where}识别所属行政区划")


_CHOICES_SHOWN = 10
_PLACE_KINDS = {TOWNSHIP: "乡镇(街道)名称", ZONE: "开发区(功能区)名称"}


def _region_notes(found: Resolution) -> list[str]:
    """What the editor should check when the region was not named as it is today."""
    index, code = region_index(), found.code
    where = f"{index.full_name(code)}({code})"
    notes = []
    if found.former:
        names = "、".join(f"“{n}”" for n in found.former)
        notes.append(f"{names}是已撤销或更名的行政区划名称,所属地区按现行区划定为{where},请核对")
    if found.place_kind == ZONE and code_level(code) != COUNTY:
        notes.append(f"所属地区由{_PLACE_KINDS[ZONE]}“{found.place}”推断:它不是县级行政区划,按所在的{where}归档,请核对")
    elif found.place:
        notes.append(f"所属地区由{_PLACE_KINDS[found.place_kind]}“{found.place}”推断为{where},请核对")
    return notes


# 本报告由X编制, or mid-sentence: 本年度报告根据《条例》要求,由X组织编制.
_COMPILED_BY = re.compile(
    r"(?:本(?:年度)?报告(?:是)?|[,,])由(?P<body>[^,,。;;、]{2,40}?)(?:根据|依据|按照|组织编制|编制|编写|负责)"
)
# 请与江苏省统计局办公室联系, 请联系:涵江区教育局办公室(地址…): the office that answers for the report.
_CONTACT_BODY = re.compile(r"[请可](?:与|联系)\s*[::]?\s*(?P<body>[^,,。;;、()()::\s]{2,40}?)(?:联系|[((,,。;;]|$)")
_CONTACT = re.compile(r"(?:地址|通讯地址|联系地址)\s*[::]\s*(?P<place>[^,,。;;()()]{2,40})")
# The first sentence of 总体情况 names who did the work: 2023年,山东省人民政府办公厅以…;
# 2023年,在区委、区政府的领导下,官洲街道办事处认真贯彻….
_SUBJECT = re.compile(
    r"^\d{4}\s*年度?[,,](?:[^,,。]{0,30}?下[,,])?(?P<body>[^,,。;;、“”《》()()\d\s]{2,30}?)"
    r"(?:始终|坚持|认真|深入|全面|紧紧|严格|高度|积极|继续|进一步|按照|围绕|立足|聚焦|持续|扎实|不断|以|在)",
    re.M,
)


def contact_address(text: str) -> str:
    """The postal address of the contact lines: where the body sits, which need not be its region
    (a province's bureau sits in a district of the capital)."""
    m = _CONTACT.search(text)
    return m["place"] if m else ""


def subject_body(text: str) -> str:
    """Who the first sentence of the report says did the work (2023年,X认真落实…), or ""."""
    m = _SUBJECT.search(text[:3000])
    return m["body"] if m else ""


def region_places(title: str, opening: str, signature: Signature | None, text: str) -> list[str]:
    """Texts that name the body or its place, most telling first (after the publisher's own name);
    the contact address last, as it tells only where the body sits."""
    places = [title]
    m = _COMPILED_BY.search(opening)
    if m:
        places.append(m["body"])
    if signature:
        places.append(signature.publisher)
    m = _CONTACT_BODY.search(text[:3000])
    if m:
        places.append(m["body"])
    if subject := subject_body(text):
        places.append(subject)
    if address := contact_address(text):
        places.append(address)
    return places


# --- Edition ------------------------------------------------------------------------------------

_FORMAT_2021_NOTICE = re.compile(r"办函[〔\[(【]2021[〕\])】]30号")


def detect_edition(year: int | None, text: str, cells: Iterable[str] = ()) -> tuple[str, str]:
    """The report format, and a warning when the text contradicts what the year says."""
    by_year = fmt.edition_for_year(year)
    evidence, reason = edition_from_labels(cells), "表格使用该版格式的栏目"
    if evidence is None and _FORMAT_2021_NOTICE.search(compact(text)):
        evidence, reason = fmt.EDITION_2021, "正文引用了国办公开办函〔2021〕30号"
    if evidence is None or evidence == by_year:
        return by_year, ""
    if year is None:
        return evidence, ""
    warning = (
        f"报告年度为{year}年,按年度应为{fmt.EDITION_LABELS[by_year]},但{reason},按{fmt.EDITION_LABELS[evidence]}读取"
    )
    return evidence, warning


def publisher_of(
    title: str, opening: str, signature: Signature | None, text: str, warnings: list[str], hint: str = ""
) -> str:
    publisher = publisher_from_title(title) or publisher_from_opening(opening)
    if not publisher and (m := _COMPILED_BY.search(opening)) and looks_like_organ(m["body"]):
        publisher = m["body"]
    if not publisher and signature:
        publisher = signature.publisher
    if not publisher and hint and looks_like_organ(hint):
        publisher = hint
    if not publisher and looks_like_organ(subject := subject_body(text)):
        warnings.append(f"正文未写明发布机构,根据正文推断为“{subject}”,请核对")
        return subject
    if not publisher:
        publisher = publisher_from_place(title)
        if publisher:
            warnings.append(f"标题只写了地名,发布机构按“{publisher}”填写,请核对")
            return publisher
    if not publisher:
        publisher = infer_publisher(text)
        if publisher:
            warnings.append(f"正文未写明发布机构,根据正文推断为“{publisher}”,请核对")
        else:
            warnings.append("未能识别发布机构")
    return publisher


# --- Metadata block -------------------------------------------------------------------------

_META_FIELDS = {
    "索引号": "index_no",
    "主题分类": "topic",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "成文日期": "written_on",
    "发布日期": "published_on",
    "公开日期": "published_on",
    "发文字号": "document_no",
    "文号": "document_no",
    "有效性": "validity",
}
META_LABEL = re.compile(
    "(?:" + "|".join(r"\s*".join(label) for label in sorted(_META_FIELDS, key=len, reverse=True)) + r")\s*[::]?"
)
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _meta_key(label: str) -> str:
    return _META_FIELDS[re.sub(r"[\s::]", "", label)]


def read_metadata(texts: list[str]) -> dict[str, str]:
    """The portal's metadata (索引号: …) from the page's text pieces in document order.

    The value stands after the label in the same piece (索引号:000014349/2024-00110), up to the
    next label, or in the next piece (a table cell or a ``<span>`` of its own).
    """
    found: dict[str, str] = {}
    for i, text in enumerate(texts):
        # A label ends with a colon, unless it is the whole piece (<td>索引号</td><td>…</td>).
        matches = [
            m
            for m in META_LABEL.finditer(text)
            if m.group(0).rstrip().endswith((":", ":")) or text.strip() == m.group(0).strip()
        ]
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value = text[m.end() : end].strip(" \u3000\xa0|")
            if not value and k == len(matches) - 1 and i + 1 < len(texts) and not META_LABEL.match(texts[i + 1]):
                value = texts[i + 1].strip()
            key = _meta_key(m.group(0))
            if value and key not in found and len(value) <= 100:
                found[key] = value
    return found


def metadata_date(value: str) -> datetime.date | None:
    """2024-01-31, 2024/1/31, 2024年1月31日 as a date."""
    m = _ISO_DATE.search(value)
    if m:
        try:
            return datetime.date(*map(int, m.groups()))
        except ValueError:
            return None
    return parse_date(value)


def metadata_line_indexes(lines) -> list[int]:
    """The lines of a metadata block in a document's opening (索引号:… 发布日期:…): not its text."""
    return [i for i, line in enumerate(lines[:20]) if META_LABEL.match(line) and len(line) <= 160 and ":" in line]


def apply_metadata(report: ParsedReport, metadata: dict[str, str]) -> None:
    """What a portal's metadata block says, onto the report (the editor's options already applied)."""
    if metadata.get("index_no"):
        report.index_no = metadata["index_no"]
    if metadata.get("document_no") and metadata["document_no"] not in ("无", "-", "—"):
        report.document_no = metadata["document_no"]
    if metadata.get("written_on"):
        report.written_on = metadata_date(metadata["written_on"]) or report.written_on
    if metadata.get("published_on"):
        report.published_on = metadata_date(metadata["published_on"]) or report.published_on
    if metadata.get("publisher") and not looks_like_organ(metadata["publisher"]):
        metadata.pop("publisher")
    report.metadata = metadata
