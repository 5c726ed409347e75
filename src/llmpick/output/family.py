"""Human rendering of `tree` and `catalog stats`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import literal, renderable, table

if TYPE_CHECKING:
    from rich.text import Text

    from ..schema import CatalogStatsOut, FamilyTreeOut


def render_tree(t: FamilyTreeOut) -> None:
    from rich.text import Text
    from rich.tree import Tree

    nodes = {n.id: n for n in t.nodes}

    def label(node_id: str, kind: str | None) -> Text:
        node = nodes[node_id]
        text = literal(node_id)
        if node_id == t.focus:
            text.stylize("bold")
        extra = []
        if node.method:
            extra.append(str(node.method))
        if kind == "merge":
            others = [p for p in node.parents if p != parent_of.get(node_id)]
            if others:
                shown = ", ".join(others[:2]) + (f" and {len(others) - 2} more" if len(others) > 2 else "")
                extra.append("merged with " + shown)
        if not node.in_catalog:
            extra.append("not in catalog")
        if extra:
            text.append(Text("  (" + "; ".join(extra) + ")", style="dim"))
        return text

    parent_of: dict[str, str] = {}
    root = Tree(label(t.root, None))
    stack = [(t.root, root, {t.root})]
    while stack:
        node, branch, path = stack.pop()
        added = []
        for child, kind in t.children(node):  # branches in id order; the stack visits them depth first
            if child in path:
                continue
            parent_of[child] = node
            added.append((child, branch.add(label(child, kind)), path | {child}))
        stack.extend(reversed(added))
    renderable(root)


def render_stats(s: CatalogStatsOut) -> None:
    table(
        ["use", ("models", "right")], sorted(s.by_use.items(), key=lambda kv: -kv[1]), title=f"{s.total} models by use"
    )
    table(["flag", ("models", "right")], list(s.by_flag.items()), title="By flag")
    table(
        ["size class", ("models", "right")],
        [(k, v) for k, v in s.by_size.items() if v or k != "unknown"],
        title="By size class",
    )
    table(["license class", ("models", "right")], list(s.by_license_class.items()), title="By license class")
    table(
        ["year", ("models", "right")],
        list(s.by_year.items()),
        title=f"By release year: {s.recent} since {s.recent_since}",
    )
    table(["family", ("models", "right")], list(s.by_family.items()), title="By family")
    if s.missing:
        table(
            ["model", "missing facts"],
            [(k, ", ".join(v)) for k, v in sorted(s.missing.items())],
            title="Entries with missing facts",
        )
    if s.shortfalls:
        table(["coverage gap"], [[x] for x in s.shortfalls], title="Below the coverage targets")
