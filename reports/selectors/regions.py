"""Regions in the database: look one up, its ancestors and children, the choosers, the tree in memory.

What a code says by itself (format, level, prefix) is :mod:`reports.regions.codes`; names found in
a text are :mod:`reports.regions.names`.

The 3,212 regions change a few times a year (``load_regions``); the cached tree is rebuilt when the
number of regions or their latest ``updated_at`` changes, which one cheap query tells.
"""

from __future__ import annotations

import threading

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet

from reports.models import Region
from reports.regions.codes import code_error
from reports.regions.tree import RegionTree


def region_get(*, code: str) -> Region:
    """The region with GB/T 2260 ``code``, or a ValidationError that names it."""
    code = (code or "").strip()
    problem = code_error(code)
    if problem:
        raise ValidationError(problem)
    try:
        return _with_parents().get(code=code)
    except Region.DoesNotExist:
        raise ValidationError(f"地区代码“{code}”不存在:不在行政区划代码表中。") from None


def region_find(code: str) -> Region | None:
    """The region with ``code``, or None (also for a malformed code)."""
    if code_error(code):
        return None
    return _with_parents().filter(code=code).first()


def _with_parents() -> QuerySet:
    # A region is at most three levels deep: its ancestors come in the same query.
    return Region.objects.select_related("parent__parent")


def region_children(code: str | None) -> QuerySet:
    """Regions directly under ``code`` (provinces when None)."""
    if not code:
        return Region.objects.provinces()
    return Region.objects.filter(parent_id=code).order_by("code")


def region_ancestors(region: Region | None) -> list[Region]:
    """The region and the regions above it, province first (no query for regions from this module)."""
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return list(reversed(chain))


def region_choosers(region: Region | None, placeholders: tuple[str, str, str]) -> list[dict]:
    """The province → prefecture → county <select>s of a region form, each shown once its parent is chosen.

    ``placeholders`` are the empty choice of each level (全部省份 …).
    """
    chain = region_ancestors(region)
    choosers = []
    for depth in range(3):
        if depth > len(chain):
            break
        options = list(region_children(chain[depth - 1].code if depth else None))
        if not options:
            break
        choosers.append(
            {
                "options": options,
                "selected": chain[depth].code if depth < len(chain) else "",
                "placeholder": placeholders[depth],
            }
        )
    return choosers


# --- The tree in memory ------------------------------------------------------------------------


_lock = threading.Lock()
_cache: dict[str, object] = {}


def region_tree() -> RegionTree:
    """The current region tree (rebuilt only when the region table changed)."""
    stamp = Region.objects.aggregate(n=Count("code"), t=Max("updated_at"))
    key = (stamp["n"], stamp["t"])
    with _lock:
        if _cache.get("key") == key:
            return _cache["tree"]  # type: ignore[return-value]
    rows = Region.objects.values_list("code", "name", "level", "parent_id", "path_names").order_by("code")
    tree = RegionTree.from_rows(rows)
    with _lock:
        _cache["key"], _cache["tree"] = key, tree
    return tree
