"""The region tree: parents, children and chains of codes, whatever the rows come from.

The database's regions (``reports.selectors.regions.region_tree``, cached) and the shipped list
(``reports.regions.names``, for finding names in a text) are both read into this one structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from reports.regions.codes import COUNTRY_CODE


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: int
    parent: str  # COUNTRY_CODE for provinces
    path_names: str


@dataclass
class RegionTree:
    nodes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int, str | None, str]]) -> RegionTree:
        """The tree of (code, name, level, parent code or None, "省/市/县" path) rows, parents first."""
        tree = cls()
        for code, name, level, parent, path_names in rows:
            tree.nodes[code] = Node(code, name, level, parent or COUNTRY_CODE, path_names)
            tree.children.setdefault(parent or COUNTRY_CODE, []).append(code)
        return tree

    def chain(self, code: str) -> list[str]:
        """The region, its ancestors up to the province, then COUNTRY_CODE."""
        out = []
        while code in self.nodes:
            out.append(code)
            code = self.nodes[code].parent
        out.append(COUNTRY_CODE)
        return out

    def ancestors(self, code: str, *, include_self: bool = False) -> list[str]:
        """The regions above ``code``, nearest first (the country left out)."""
        chain = self.chain(code)[:-1]
        return chain if include_self else chain[1:]

    def depth(self, code: str) -> int:
        return len(self.chain(code)) - 1

    def children_of(self, code: str) -> list[str]:
        return self.children.get(code, [])

    def name(self, code: str) -> str:
        return self.nodes[code].name if code in self.nodes else "全国"

    def full_name(self, code: str) -> str:
        return self.nodes[code].path_names.replace("/", " › ") if code in self.nodes else "全国"

    def name_within(self, code: str, scope: str) -> str:
        """The region's path below ``scope`` (湛江市 › 霞山区 within 广东省); the scope's own name for itself."""
        if code == scope or code not in self.nodes:
            return self.name(code)
        names = self.nodes[code].path_names.split("/")
        depth = 0 if scope not in self.nodes else len(self.nodes[scope].path_names.split("/"))
        return " › ".join(names[depth:])
