"""What a GB/T 2260 code says by itself: six digits, a level, the prefix of everything under it."""

from __future__ import annotations

import re

PROVINCE, PREFECTURE, COUNTY = 1, 2, 3
# The key of the whole country in derived statistics (not a GB/T 2260 code).
COUNTRY_CODE = "000000"
_CODE = re.compile(r"[0-9]{6}")


def code_error(code: str) -> str | None:
    """Why ``code`` is not a region code (a message for people), or None when it has the right form."""
    if _CODE.fullmatch(code or ""):
        return None
    return f"地区代码“{code}”格式不正确,应为六位数字的行政区划代码,如 440800。"


def is_code(code: str) -> bool:
    """Six ASCII digits (``isdigit`` would admit superscripts and other scripts' digits)."""
    return code_error(code) is None


def code_level(code: str) -> int:
    """PROVINCE (440000), PREFECTURE (440800) or COUNTY (440803), read from the code."""
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return PREFECTURE
    return COUNTY


def code_prefix(code: str) -> str:
    """The code prefix shared by a region and all regions under it: 44 for 440000, 4408 for 440800."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def province_of(code: str) -> str:
    """The code of the province a region lies in."""
    return code[:2] + "0000"
