"""Text normalisation shared by the importers: bytes to clean Simplified text, and label keys.

Two different things happen here:

* :func:`normalize_text` cleans a document's text for storage. It keeps the document's own
  punctuation (full-width ``,`` or ``(`` stay as published) and only folds what is noise: line
  endings, invisible characters, full-width digits and letters, Traditional characters, and
  pinyin glued into the text by some converters (``報(bào)告``).
* :func:`label_key` is for *matching* only: it makes a table label insensitive to full/half
  width, spaces, quotes and leading numbering, so that ``自 然人`` finds ``自然人``.
"""

from __future__ import annotations

import functools
import re

from charset_normalizer import from_bytes

from reports.format.values import compact
from reports.importers.parsed import UnreadableDocument

# --- Decoding -------------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Windows "Unicode" text
# Control characters that never occur in a text document (tab, newline, carriage return and
# form feed excluded).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode_bytes(data: bytes) -> str:
    """Decode a text document: UTF-8 (with or without BOM) first, then GB18030/GBK or Big5 as detected."""
    if not data or not data.strip():
        raise UnreadableDocument("文件为空")
    if data.startswith(_UTF16_BOMS):
        text = _decode_utf16(data)
    elif b"\x00" in data:
        raise UnreadableDocument("不是文本文件(含二进制内容)")
    else:
        data = data.removeprefix(_UTF8_BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _utf8_with_stray_bytes(data) or _decode_guessed(data)
    if _looks_binary(text):
        raise UnreadableDocument("不是文本文件(含二进制内容)")
    return text


def _utf8_with_stray_bytes(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes (a bad copy, a cut file): the bytes become U+FFFD, which
    :func:`text_warnings` reports, rather than the whole file being read in another encoding."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    chinese = len(_CJK_RE.findall(text))
    if broken <= max(3, len(text) // 2000) and chinese >= 20 * broken:
        return text
    return None


def _decode_utf16(data: bytes) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument("不是文本文件(含二进制内容)") from exc


def _decode_guessed(data: bytes) -> str:
    # Chinese documents come in GB18030/GBK or, for Traditional text, Big5. GB18030 decodes
    # almost any byte string (Big5 too, into nonsense), so the detector decides first and
    # GB18030 is only the fallback when it proposes nothing Chinese.
    matches = list(from_bytes(data))
    chinese = [m for m in matches if m.encoding in _CHINESE_ENCODINGS]
    if chinese:
        return str(chinese[0])
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    if matches:
        return str(matches[0])
    raise UnreadableDocument("无法识别文件编码(不是 UTF-8、GBK 或 Big5 文本)")


_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950"}


def _looks_binary(text: str) -> bool:
    controls = len(_BINARY_CONTROL.findall(text))
    return controls > max(2, len(text) // 1000)


# --- How good the text is ---------------------------------------------------------------------

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Question marks standing for characters a conversion lost: 加大日??己吮戎?
_LOST_CHARACTERS = re.compile(r"(?<=[\u4e00-\u9fff])\?+(?=[\u4e00-\u9fff]|[,,。;;]|$)|(?<=[\u4e00-\u9fff])\?{2,}", re.M)
# UTF-8 read as Latin-1/CP1252 (å¹´ for 年): a lead byte followed by continuation bytes.
_LATIN1_MOJIBAKE = re.compile(r"[\u00c2-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]{1,2}")


def text_warnings(text: str) -> list[str]:
    """What the editor should know about the text itself: lost characters and garbled encodings."""
    warnings = []
    broken = text.count("\ufffd")
    if broken:
        warnings.append(f"正文有 {broken} 处无法识别的字符(显示为 �),文件可能有损坏,请对照原文核对")
    lost = _LOST_CHARACTERS.findall(text)
    if lost:
        example = next(m for m in _LOST_CHARACTERS.finditer(text))
        context = text[max(example.start() - 4, 0) : example.end() + 4].replace("\n", " ")
        warnings.append(f"正文有 {len(lost)} 处汉字变成了问号(如“{context}”),原文可能有乱码,请对照原文核对")
    garbled = _LATIN1_MOJIBAKE.findall(text)
    if len(garbled) >= 3:
        warnings.append(f"正文有 {len(garbled)} 处乱码(如“{garbled[0]}”),文件的编码可能被转错,请对照原文核对")
    lines = garbled_lines(text)
    if lines:
        example = lines[0][:24]
        warnings.append(
            f"正文有 {len(lines)} 行疑似乱码(如“{example}”:生僻字、注音符号、日文假名或制表符混在汉字中),"
            "文件可能在转换编码时被损坏,无法自动还原,请对照原文核对"
        )
    return warnings


# --- Garbled Chinese: what a wrong decoding leaves behind -------------------------------------
#
# UTF-8 bytes read as GBK (and saved again, the undecodable ones as '?') turn 主动公开 into
# 涓诲姩鍏紑 or ?。ㄒ唬┲鲃庸_: mostly characters outside the common ones, with bopomofo, kana,
# box-drawing pieces and '?' between them. Real reports use the common characters almost only.

# Signs that are (almost) never in a Chinese report's prose: bopomofo, kana (not the middle dot and
# the long-vowel mark), private-use and CJK compatibility characters, half-width katakana, and the
# box-drawing pieces that no text table is drawn with (the light and double lines are left out).
_ODD = re.compile(
    r"[\u3100-\u312f\u31a0-\u31bf\u3041-\u30fa\u30fd-\u30ff\ue000-\uf8ff\uf900-\ufaff\uff66-\uff9f"
    r"\u2504-\u250b\u250d-\u250f\u2511-\u2513\u2515-\u2517\u2519-\u251b\u251d-\u2523\u2525-\u252b"
    r"\u252d-\u2533\u2535-\u253b\u253d-\u254f\u2571-\u257f]"
)
_HANZI = re.compile(r"[\u4e00-\u9fff]")
# '?' standing for a lost byte next to a Chinese character, on either side (六?!钡戎, 鍦?2023).
_QUESTION_BY_HANZI = re.compile(r"(?<=[\u4e00-\u9fff])\?|\?(?=[\u4e00-\u9fff])")
# A line with at least this many Chinese characters is judged by its share of uncommon ones.
_MIN_HANZI = 8
_RARE_SHARE = 0.35


@functools.lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """The 3,755 characters of the first level of GB 2312 (一级汉字, "常用汉字", rows 16-55), taken from
    Python's own ``gb2312`` codec: the national standard's list of the most used characters, which
    covers the 3,500 of the 现代汉语常用字表 almost entirely."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            if lead == 0xD7 and trail > 0xF9:  # row 55 ends at 0xD7F9
                break
            chars.add(bytes((lead, trail)).decode("gb2312"))
    return frozenset(chars)


def garbled_lines(text: str) -> list[str]:
    """The lines that read as Chinese text garbled by a wrong decoding and beyond repair.

    A line counts when it holds two odd signs (bopomofo, kana, private-use …), or one with an
    uncommon character or a '?' against a Chinese one, or when over a third of its (at least eight)
    Chinese characters are outside the 3,755 common ones, or '?' stands against Chinese characters
    twice among many uncommon ones.
    """
    common = common_hanzi()
    found = []
    for line in text.split("\n"):
        odd = len(_ODD.findall(line))
        hanzi = _HANZI.findall(line)
        if not odd and len(hanzi) < 2:
            continue
        rare = sum(1 for c in hanzi if c not in common)
        lost = len(_QUESTION_BY_HANZI.findall(line))
        if (
            odd >= 2
            or (odd and (rare or lost))
            or (len(hanzi) >= _MIN_HANZI and rare >= _RARE_SHARE * len(hanzi))
            or (lost >= 2 and rare >= 0.2 * len(hanzi))
        ):
            found.append(line.strip())
    return found


# --- Cleaning the text ----------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u3000\t"}
# Full-width digits and Latin letters (U+FF10-FF19, FF21-FF3A, FF41-FF5A) to ASCII.
_FULLWIDTH_ALNUM = {
    code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
# Full-width forms of ASCII punctuation (U+FF01-FF0F, FF1A-FF20, FF3B-FF40, FF5B-FF5E: ：；，（）！？…)
# to ASCII, as the format's labels, the region names and every pattern of the readers write them: a
# real document's "索引号：" or "（单位：元）" then reads like its ASCII twin. Punctuation with no ASCII
# form (、。《》“”) stays.
_FULLWIDTH_PUNCT = {
    code: code - 0xFEE0
    for code in (*range(0xFF01, 0xFF10), *range(0xFF1A, 0xFF21), *range(0xFF3B, 0xFF41), *range(0xFF5B, 0xFF5F))
}
_FULLWIDTH = {**_FULLWIDTH_ALNUM, **_FULLWIDTH_PUNCT}

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_TONE_MARKS = set("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
# A parenthesised run of one to four pinyin syllables: 報(bào)告, 關(guān)於, 問題(tí). Real
# parentheses such as (一), (www.zhanjiang.gov.cn) or (地址:...) never match: they hold Chinese,
# digits or dots.
_PINYIN_GROUP = re.compile(
    rf"(?P<before>.?)[((](?P<inner>[{_PINYIN_LETTERS}]{{1,6}}(?:[ '’][{_PINYIN_LETTERS}]{{1,6}}){{0,3}})[))]"
)
# Toneless syllables are only removed when every one is real pinyin, so that (app) or (pdf) stay.
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ue|ve|ui|er|"
    r"a|o|e|i|u|v|ü)"
)


def _is_glued_pinyin(before: str, inner: str) -> bool:
    # Tone marks are unmistakable: they are removed even after a garbled character (约皡^(qū)).
    if _TONE_MARKS.intersection(inner):
        return True
    if not re.match(rf"[{_CJK}]", before):
        return False
    return all(_SYLLABLE.fullmatch(s) for s in re.split(r"[ '’]", inner))


def strip_glued_pinyin(text: str) -> str:
    """Remove pinyin glued after Chinese characters: ``報(bào)告`` becomes ``報告``."""

    def replace(m: re.Match) -> str:
        return m["before"] if _is_glued_pinyin(m["before"], m["inner"]) else m.group(0)

    return _PINYIN_GROUP.sub(replace, text)


@functools.lru_cache(maxsize=1)
def _t2s():
    # OpenCC's own C++ library (PyPI ``opencc``): phrase-level conversion at native speed, so a
    # whole document is converted at once (bench/bench_opencc.py).
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese; Simplified text passes through unchanged."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def fold_fullwidth_alnum(text: str) -> str:
    """Full-width digits and Latin letters to ASCII; punctuation is left alone."""
    return text.translate(_FULLWIDTH_ALNUM)


def fold_fullwidth(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation (：（），) to ASCII; 、。《》“” stay."""
    return text.translate(_FULLWIDTH)


def normalize_text(text: str) -> str:
    """Clean a document's text: one stripped paragraph per line, Simplified, no glued pinyin."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = fold_fullwidth(text)
    text = strip_glued_pinyin(text)
    text = to_simplified(text)
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


# --- Keys for matching labels ---------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十"
# Leading numbering of a heading or a table label: 一、 (三) 1. 1、 ①
_NUMBERING = re.compile(rf"^(?:[{_NUMERALS}]+[、.]|\([{_NUMERALS}\d]+\)|\d+[.、)](?!\d)|[\u2460-\u2473])")


def label_key(text: str) -> str:
    """A table label as compared: width, spaces, quotes, case and trailing ``|`` or ``:`` ignored."""
    # Labels repeat in every report and are short; long prose lines are not worth caching.
    return _label_key(text) if len(text) <= 64 else _label_key_uncached(text)


def _label_key_uncached(text: str) -> str:
    return compact(text).strip("|:").lower()


_label_key = functools.lru_cache(maxsize=16384)(_label_key_uncached)


def split_numbering(key: str) -> tuple[str, str]:
    """Split a key into its leading numbering and the rest: ``(三)不予公开`` -> ``(三)``, ``不予公开``."""
    m = _NUMBERING.match(key)
    if not m:
        return "", key
    return m.group(0), key[m.end() :]


def strip_numbering(key: str) -> str:
    return split_numbering(key)[1]
