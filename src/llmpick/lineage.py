"""Model families as graphs: base -> finetunes -> merges.  Pure functions over a Catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import Catalog
from .schema import FamilyTreeOut, TreeEdgeOut, TreeNodeOut


@dataclass
class FamilyTree:
    root: str
    focus: str
    nodes: dict[str, TreeNodeOut] = field(default_factory=dict)
    edges: list[TreeEdgeOut] = field(default_factory=list)

    def children(self, node: str) -> list[tuple[str, str]]:
        return self.out().children(node)

    def out(self) -> FamilyTreeOut:
        """The tree as `tree --format json` shows it."""
        return FamilyTreeOut(root=self.root, focus=self.focus, nodes=list(self.nodes.values()), edges=self.edges)


def root_of(catalog: Catalog, model_id: str) -> str:
    """Walk up base models (then first merge parents) to the oldest ancestor, in the catalog or not."""
    seen, cur = {model_id}, model_id
    while True:
        parents = catalog.parents_of(cur)
        if not parents:
            return cur
        nxt = parents[0]
        if nxt in seen:
            return cur
        seen.add(nxt)
        cur = nxt


def _node(catalog: Catalog, node_id: str, *, outside_line: bool = False) -> TreeNodeOut:
    m = catalog.get(node_id)
    if m is None:
        return TreeNodeOut(id=node_id, in_catalog=False, name=None, method=None, parents=[], outside_line=outside_line)
    parents = [] if outside_line else m.entry.parents
    return TreeNodeOut(
        id=node_id,
        in_catalog=True,
        name=m.entry.name,
        method=m.entry.method,
        parents=parents,
        outside_line=outside_line,
    )


def family_tree(catalog: Catalog, model_id: str) -> FamilyTree:
    root = root_of(catalog, model_id)
    tree = FamilyTree(root=root, focus=model_id)
    kids: dict[str, list[tuple[str, str]]] = {}
    for mid in catalog.ids:
        base_model, parents = catalog.base_model_of(mid), catalog.parents_of(mid)
        if base_model:
            kids.setdefault(base_model, []).append((mid, "base"))
        for p in parents:
            if p != base_model:
                kids.setdefault(p, []).append((mid, "merge"))
    todo = [root]
    while todo:
        node = todo.pop()
        if node in tree.nodes:
            continue
        tree.nodes[node] = _node(catalog, node)
        for child, kind in kids.get(node, []):
            tree.edges.append({"from": node, "to": child, "kind": "base" if kind == "base" else "merge"})
            todo.append(child)
    # Merge parents outside this line still belong in the picture, as leaves pointing in.
    for node in list(tree.nodes):
        for p in tree.nodes[node].parents:
            if p not in tree.nodes:
                tree.nodes[p] = _node(catalog, p, outside_line=True)
                tree.edges.append({"from": p, "to": node, "kind": "merge"})
    return tree
