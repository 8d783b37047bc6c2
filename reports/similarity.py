"""Copy detection: how much of a report's text is the text of another report.

Third-party evaluations of 政府信息公开工作年度报告 keep finding reports that repeat the previous
year's text with only the numbers changed. This module measures that, cheaply enough to compare
every report with the same publisher's report of the year before:

* The text is the body of the report's sections (headings left out: the six standard headings are
  the same in every report). Whitespace and punctuation are dropped and every run of digits becomes
  ``#``, so "2023年受理申请292件" and "2024年受理申请301件" read the same: a report copied with its
  numbers updated is still a copy. The standard tables are stored as numbers, not text, and take
  no part.
* The text is cut into overlapping three-character shingles; two texts are compared by the
  Jaccard index of their shingle sets (shared shingles / all shingles).
* Each report stores a *bottom-k MinHash* signature (the ``SIGNATURE_SIZE`` smallest 32-bit hashes
  of its shingles, see Broder 1997; Cohen & Kaplan 2007), so the compliance board estimates the
  Jaccard index of two reports from two stored signatures without reading their text. With 128
  hashes the estimate is within about ±0.05 of the true index for most pairs.

Texts shorter than ``MIN_CHARS`` (after normalising) get no signature: a few lines of text say too
little to call a copy.
"""

from __future__ import annotations

import bisect
import heapq
import re
import zlib
from array import array
from typing import Iterable

SIGNATURE_SIZE = 128
SHINGLE = 3
MIN_CHARS = 200
# Reports at or above this estimated Jaccard index with the publisher's previous report are listed.
THRESHOLD = 0.8

_DIGITS = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
# Keep letters (any script, CJK included) and the digit placeholder; drop spaces and punctuation.
_NOISE = re.compile(r"[^\w#]|_", re.UNICODE)


def normalize(text: str) -> str:
    """The text as compared: digits runs → ``#``, no whitespace or punctuation."""
    return _NOISE.sub("", _DIGITS.sub("#", text))


def shingles(text: str) -> set[str]:
    """The set of three-character pieces of a normalised text."""
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def section_text(bodies: Iterable[str]) -> str:
    """The normalised text of a report from its section bodies."""
    return normalize("\n".join(bodies))


def signature(text: str) -> bytes | None:
    """The bottom-k signature of a normalised text, or None when it is too short to judge."""
    if len(text) < MIN_CHARS:
        return None
    hashes = {zlib.crc32(s.encode("utf-8")) for s in shingles(text)}
    return array("I", sorted(heapq.nsmallest(SIGNATURE_SIZE, hashes))).tobytes()


def _unpack(sig: bytes) -> array:
    values = array("I")
    values.frombytes(bytes(sig))
    return values


def similarity(a: bytes | None, b: bytes | None) -> float | None:
    """Estimated Jaccard index of two texts from their signatures (None if either has none)."""
    if not a or not b:
        return None
    sa, sb = set(_unpack(a)), set(_unpack(b))
    k = min(SIGNATURE_SIZE, len(sa), len(sb))
    # The k smallest hashes of the union are a sample of it; count those present in both texts.
    kth = sorted(sa | sb)[k - 1]
    return bisect.bisect_right(sorted(sa & sb), kth) / k


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of two normalised texts (tests and spot checks)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)
