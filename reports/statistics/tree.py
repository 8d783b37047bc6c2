"""The region tree in memory: parents, children and chains without a query per region.

The 3,213 regions change a few times a year (``load_regions``); the cached tree is rebuilt when the
number of regions or their latest ``updated_at`` changes, which one cheap query tells.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max

from reports.models import COUNTRY_CODE, Region


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

    def chain(self, code: str) -> list[str]:
        """The region, its ancestors up to the province, then COUNTRY_CODE."""
        out = []
        while code in self.nodes:
            out.append(code)
            code = self.nodes[code].parent
        out.append(COUNTRY_CODE)
        return out

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


_lock = threading.Lock()
_cache: dict[str, object] = {}


def region_tree() -> RegionTree:
    """The current region tree (rebuilt only when the region table changed)."""
    stamp = Region.objects.aggregate(n=Count("code"), t=Max("updated_at"))
    key = (stamp["n"], stamp["t"])
    with _lock:
        if _cache.get("key") == key:
            return _cache["tree"]  # type: ignore[return-value]
    tree = RegionTree()
    for code, name, level, parent, path_names in Region.objects.values_list(
        "code", "name", "level", "parent_id", "path_names"
    ).order_by("code"):
        tree.nodes[code] = Node(code, name, level, parent or COUNTRY_CODE, path_names)
        tree.children.setdefault(parent or COUNTRY_CODE, []).append(code)
    with _lock:
        _cache["key"], _cache["tree"] = key, tree
    return tree
