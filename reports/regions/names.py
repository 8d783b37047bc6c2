"""A pure index of region names (GB/T 2260), to find region codes in a document's text.

Built once from ``reports/data/regions.csv`` (no database). Every region is known by its full
name (湛江市) and by its short form (湛江); a chain of names such as 威海市文登区 or 石家庄市新华区
resolves to the most specific region whose ancestors are named before it. A name that exists in
several places (新华区, 朝阳区) and is not disambiguated by a parent is reported as ambiguous,
never guessed.

Two more kinds of names lead to a region:
- former names (``reports/data/region_changes.csv``): 莱芜市 -> 济南市, 横县 -> 横州市. A former name
  that is also a current one (桥东区) counts only after the names of its former parents (邢台市桥东区).
- places below the county and zones (:mod:`reports.regions.places`): 城关镇, 北戴河新区. A place
  decides the region only when one region holds a place of that name, or when the other places
  the text names leave one; otherwise its regions are the candidates.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from reports.regions.changes import RegionChange, region_changes
from reports.regions.data import RegionRow, path_names, read_rows
from reports.regions.places import ZONE, PlaceMatch, place_index
from reports.regions.tree import RegionTree

# Suffixes that short forms drop, longest first so that 自治州 is tried before 州-less forms.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)
_ETHNIC_GROUPS = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
    "塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_ETHNIC_TAIL = re.compile(rf"(?:(?:{_ETHNIC_GROUPS})族)+$")


def short_name(name: str) -> str:
    """The name without its administrative suffix: 湛江市 -> 湛江, 延边朝鲜族自治州 -> 延边."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = _ETHNIC_TAIL.sub("", name[: -len(suffix)])
            return base if len(base) >= 2 else ""
    return ""


@dataclass(frozen=True)
class NameMatch:
    """A region name found in a text: its position and every region that carries it."""

    start: int
    end: int
    name: str
    codes: tuple[str, ...]
    short: bool
    former: bool = False  # a name the region no longer carries (莱芜市)


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name or a chain of names."""

    code: str | None = None
    name: str = ""  # the names as written, e.g. 威海市文登区
    candidates: tuple[str, ...] = field(default=())  # set when ambiguous
    former: tuple[str, ...] = ()  # former names the region was found by (莱芜市)
    place: str = ""  # the township or zone the region was found by (城关镇, 北戴河新区)
    place_kind: str = ""  # places.TOWNSHIP or places.ZONE

    @property
    def ambiguous(self) -> bool:
        return self.code is None and len(self.candidates) > 1


class RegionIndex:
    def __init__(self, rows: list[RegionRow], changes: Iterable[RegionChange] = ()):
        paths = path_names(rows)
        self.tree = RegionTree.from_rows((r.code, r.name, r.level, r.parent, paths[r.code]) for r in rows)
        names: dict[str, set[str]] = {}
        shorts: dict[str, set[str]] = {}
        for r in rows:
            names.setdefault(r.name, set()).add(r.code)
            short = short_name(r.name)
            if short:
                shorts.setdefault(short, set()).add(r.code)
        former: dict[str, set[str]] = {}
        for change in changes:
            if change.new_code in self.tree.nodes and change.old_name != self.tree.nodes[change.new_code].name:
                former.setdefault(change.old_name, set()).add(change.new_code)
        # Every former name, for a chain whose parent names its former place (邢台市桥东区) …
        self._former_any = {n: tuple(sorted(c)) for n, c in former.items()}
        # … and, read like full names, those no region carries today (莱芜市, 横县).
        self._former = frozenset(n for n in former if n not in names)
        self._full = {n: tuple(sorted(c)) for n, c in names.items()}
        self._full.update({n: self._former_any[n] for n in self._former})
        # A full name always wins over an equal short form of another region.
        self._short = {n: tuple(sorted(c)) for n, c in shorts.items() if n not in self._full}
        # Name lengths by first character, longest first: a scan only tries lengths that exist.
        self._lengths = {False: _lengths_by_first(self._full), True: _lengths_by_first(self._short)}

    def knows(self, code: str) -> bool:
        return code in self.tree.nodes

    def name_of(self, code: str) -> str:
        return self.tree.nodes[code].name

    def full_name(self, code: str) -> str:
        """Name with its ancestors, the province only when no prefecture is named: 威海市文登区, 北京市朝阳区."""
        chain = list(reversed(self.tree.ancestors(code, include_self=True)))
        if len(chain) == 3:
            chain = chain[1:]
        return "".join(self.name_of(c) for c in chain)

    def lookup(self, name: str) -> tuple[str, ...]:
        """Codes carrying a full or short name, or today's codes of a former name."""
        return self._full.get(name) or self._short.get(name, ())

    def scan(self, text: str) -> list[NameMatch]:
        """Every region name in the text, left to right; at each place a full name beats a short one."""
        found: list[NameMatch] = []
        i = 0
        while i < len(text):
            match = self._match_at(text, i, self._full, short=False)
            if match is None:
                short = self._match_at(text, i, self._short, short=True)
                after_name = bool(found) and found[-1].end == i
                if short and _short_name_stands_alone(text, short, after_name):
                    match = short
            if match:
                found.append(match)
                i = match.end
            else:
                i += 1
        return found

    def _match_at(self, text: str, i: int, names: dict[str, tuple[str, ...]], short: bool) -> NameMatch | None:
        for length in self._lengths[short].get(text[i], ()):
            name = text[i : i + length]
            codes = names.get(name)
            if codes:
                return NameMatch(i, i + length, name, codes, short, former=not short and name in self._former)
        return None

    def chains(self, text: str, skip: Iterable[PlaceMatch] = ()) -> list[list[NameMatch]]:
        """Runs of adjacent names (威海市 + 文登区) as they stand in the text; names inside a place's
        name (北戴河 in 北戴河新区) are part of that place, not regions of their own."""
        spans = [(p.start, p.end) for p in skip]
        runs: list[list[NameMatch]] = []
        for m in self.scan(text):
            if any(start < m.end and m.start < end for start, end in spans):
                continue
            if runs and runs[-1][-1].end == m.start:
                runs[-1].append(m)
            else:
                runs.append([m])
        return runs

    def resolve_chain(self, chain: list[NameMatch]) -> Resolution:
        """The most specific region of a chain; each name narrows the previous ones. A name that
        names no region under the previous ones may be a former name of one (邢台市桥东区)."""
        current = set(chain[0].codes)
        written = chain[0].name
        former = [chain[0].name] if chain[0].former else []
        for m in chain[1:]:
            narrowed = {c for c in m.codes if current.intersection(self.tree.ancestors(c))}
            by_former = m.former
            if not narrowed and m.name in self._former_any:
                former_codes = self._former_any[m.name]
                narrowed = {c for c in former_codes if current.intersection(self.tree.ancestors(c, include_self=True))}
                by_former = True
            if not narrowed:
                break
            current = narrowed
            written += m.name
            if by_former:
                former.append(m.name)
        if len(current) == 1:
            return Resolution(next(iter(current)), written, former=tuple(former))
        return Resolution(None, written, tuple(sorted(current)), former=tuple(former))

    def resolve(self, text: str, skip: Iterable[PlaceMatch] = ()) -> Resolution:
        """The region named by the first chain of names in a short text (a publisher's name)."""
        for chain in self.chains(text, skip):
            return self.resolve_chain(chain)
        return Resolution()

    def disambiguate(self, ambiguous: Resolution, text: str) -> Resolution:
        """Look in a longer text for a chain that names one of the candidates with its parent."""
        wanted = set(ambiguous.candidates)
        for chain in self.chains(text):
            if len(chain) < 2:
                continue
            found = self.resolve_chain(chain)
            if found.code in wanted:
                return found
        return ambiguous

    def find(self, name: str, text: str = "") -> Resolution:
        """The region a name (a publisher's, a title's) gives. A name several regions carry is narrowed
        by ``text``: a chain that names one of them with its parent, else the places above them that
        the text names; it is never guessed. A township or zone in the name settles the region by
        :meth:`by_place`."""
        places = self.places(name)
        found = self.resolve(name, skip=places)
        if places:
            found = self.by_place(found, places[0], text)
        elif found.code and (zone := self._zone_named_after_district(name, found.code)):
            found = dataclasses.replace(found, place=zone, place_kind=ZONE)
        if found.ambiguous and text and not found.place:
            found = self.disambiguate(found, text)
        if found.ambiguous and text and not found.place:
            found = self.by_mentions(found, text)
        return found

    def _zone_named_after_district(self, name: str, code: str) -> str:
        """The zone a district's short name begins (东湖高新区 in 东湖高新区教育局), or "".

        Zones are named after the city more often than after the district that shares the short
        name (东湖高新区 is 武汉's, 东湖区 is 南昌's): the region then stands for the editor to check.
        """
        for m in self.scan(name):
            if m.short and code in m.codes and self._full_of_short(m.name, code).endswith("区"):
                zone = _ZONE_AFTER_SHORT.match(name, m.end)
                if zone:
                    return name[m.start : zone.end()]
        return ""

    def _full_of_short(self, short: str, code: str) -> str:
        return next((full for full in self._full if code in self._full[full] and short_name(full) == short), "")

    def places(self, text: str) -> list[PlaceMatch]:
        """Townships and zones named in a short text (the place list is read on first use)."""
        ends = {m.end for m in self.scan(text)}
        return [p for p in place_index().scan(text, after=ends) if p.name not in self._full]

    def by_place(self, found: Resolution, place: PlaceMatch, text: str = "") -> Resolution:
        """The region a township or zone gives, with the regions named with it (``found``).

        The regions holding a place of that name are narrowed to those under ``found``; when
        nothing was found with it, to those the text names most closely (the county before the
        prefecture before the province, :meth:`named_around`). One region left is the answer;
        several are candidates. A place under none of the regions named with it is ignored.
        """
        held = list(place.codes)
        named = [found.code] if found.code else list(found.candidates)
        if named:
            held = [c for c in held if set(named).intersection(self.tree.ancestors(c, include_self=True))]
            if not held:
                return found
        if len(held) > 1 and text:
            held = self.named_around(held, text)
        if found.code and (len(held) > 1 or held == [found.code]):
            return found  # the place says no more than the names before it (礼县城关镇)
        how = {"place": place.name, "place_kind": place.kind, "former": found.former}
        if len(held) == 1:
            return Resolution(held[0], found.name + place.name if found.code else place.name, **how)
        return Resolution(None, place.name, tuple(sorted(held)), **how)

    def named_around(self, candidates: list[str], text: str) -> list[str]:
        """The candidates the text names most closely: those whose county the text names, else their
        prefecture, else their province (a tie keeps every candidate so named); all when none."""
        named: set[str] = set()
        for chain in self.chains(text):
            found = self.resolve_chain(chain)
            named.update([found.code] if found.code else found.candidates)
        depth = {
            c: max((self.tree.depth(a) for a in self.tree.chain(c)[:-1] if a in named), default=0) for c in candidates
        }
        best = max(depth.values(), default=0)
        return [c for c in candidates if depth[c] == best] if best else candidates

    def by_mentions(self, ambiguous: Resolution, text: str) -> Resolution:
        """Choose among the candidates of an ambiguous name by the places above them that the text
        names (普陀区 with 舟山 elsewhere in the text is 舟山市普陀区); still ambiguous on a tie."""
        names = {}
        for code in ambiguous.candidates:
            above = [self.tree.nodes[a].name for a in self.tree.ancestors(code)]
            # The ambiguous name itself supports no candidate (长沙 for 长沙县 under 长沙市).
            names[code] = {n for a in above for n in (a, short_name(a)) if len(n) >= 2 and n not in ambiguous.name}
        scores = {code: sum(text.count(n) for n in found) for code, found in names.items()}
        best = max(scores.values(), default=0)
        winners = [code for code, score in scores.items() if score == best]
        if best and len(winners) == 1:
            return Resolution(winners[0], ambiguous.name)
        return ambiguous

    def most_mentioned(self, text: str, suffix: str) -> str | None:
        """The region with ``suffix`` (市, 区, 县) that the text names most often, if one stands out."""
        counts: Counter[str] = Counter()
        # Short forms are left out: two characters such as 开平 or 共和 occur in ordinary words.
        # Former names too: 莱芜市 counts for 济南市, not for a 我市 that is 莱芜.
        for m in self.scan(text):
            if m.short or m.former:
                continue
            codes = [c for c in m.codes if self.name_of(c).endswith(suffix)]
            if len(codes) == 1:
                counts[codes[0]] += 1
        ranked = counts.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]


# A short form (湛江 for 湛江市) counts only where it stands as a place name: at the start, after a
# place name or punctuation, and followed by what follows a place in a title or a zone's name.
# Inside words it does not (自然资源部 is not 资源县, 公安局 not 公安县, 永安镇 not 永安市).
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_AFTER_SHORT = re.compile(
    r"(?:$|[^\u3400-\u9fff]|综合|经济|经开|高新|新区|开发|实验|试验|保税|工业|产业|国家级|省级|市|县|区|州|盟|旗|人民|"
    r"地区|全市|全县|全区)"
)


# What follows a short name in a zone's name, up to the zone's 区: 东湖高新区, 南沙经济技术开发区.
_ZONE_AFTER_SHORT = re.compile(r"(?:综合|经济|经开|高新|开发|实验|试验|保税|工业|产业)[\u3400-\u9fff]{0,8}?区")


def _short_name_stands_alone(text: str, match: NameMatch, after_name: bool) -> bool:
    before_ok = match.start == 0 or after_name or not _CJK_CHAR.match(text[match.start - 1])
    return before_ok and bool(_AFTER_SHORT.match(text, match.end))


def _lengths_by_first(names: dict[str, tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for name in names:
        if len(name) >= 2:
            lengths.setdefault(name[0], set()).add(len(name))
    return {first: tuple(sorted(n, reverse=True)) for first, n in lengths.items()}


@functools.lru_cache(maxsize=1)
def region_index() -> RegionIndex:
    """The index over the shipped region list and former names, built once per process."""
    return RegionIndex(read_rows(), region_changes())
