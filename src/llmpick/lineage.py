"""Model families as graphs: base -> finetunes -> merges.  Pure functions over a Catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Catalog


@dataclass
class FamilyTree:
    root: str
    focus: str
    nodes: dict[str, dict[str, object]] = field(default_factory=dict)
    edges: list[dict[str, str]] = field(default_factory=list)

    def children(self, node: str) -> list[tuple[str, str]]:
        return sorted(((e["to"], e["kind"]) for e in self.edges if e["from"] == node), key=lambda x: x[0].lower())


def root_of(catalog: Catalog, model_id: str) -> str:
    """Walk up base models (then first merge parents) to the oldest ancestor, in the catalog or not."""
    seen, cur = {model_id}, model_id
    while True:
        m = catalog.get(cur)
        if m is None or not m.entry.parents:
            return cur
        nxt = m.entry.parents[0]
        if nxt in seen:
            return cur
        seen.add(nxt)
        cur = nxt


def family_tree(catalog: Catalog, model_id: str) -> FamilyTree:
    root = root_of(catalog, model_id)
    tree = FamilyTree(root=root, focus=model_id)
    kids: dict[str, list[tuple[str, str]]] = {}
    for m in catalog:
        if m.entry.base_model:
            kids.setdefault(m.entry.base_model, []).append((m.id, "base"))
        for p in m.entry.merge_parents:
            if p != m.entry.base_model:
                kids.setdefault(p, []).append((m.id, "merge"))
    todo = [root]
    while todo:
        node = todo.pop()
        if node in tree.nodes:
            continue
        nm = catalog.get(node)
        tree.nodes[node] = {
            "id": node,
            "in_catalog": nm is not None,
            "name": nm.entry.name if nm else None,
            "method": nm.entry.method if nm else None,
            "parents": nm.entry.parents if nm else [],
        }
        for child, kind in kids.get(node, []):
            tree.edges.append({"from": node, "to": child, "kind": kind})
            todo.append(child)
    # Merge parents outside this line still belong in the picture, as leaves pointing in.
    for node in list(tree.nodes):
        nm = catalog.get(node)
        for p in nm.entry.parents if nm else []:
            if p not in tree.nodes:
                pm = catalog.get(p)
                tree.nodes[p] = {
                    "id": p,
                    "in_catalog": pm is not None,
                    "name": pm.entry.name if pm else None,
                    "method": pm.entry.method if pm else None,
                    "parents": [],
                    "outside_line": True,
                }
                tree.edges.append({"from": p, "to": node, "kind": "merge"})
    return tree
