"""The KB as a tree: Vendors > chips, Claims by kind, Sources, each with counts.

A group's children are added only when it is first expanded, so a KB of 10,000 claims starts
with a handful of nodes; a large group is split into pages of `PAGE` nodes for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from kb.knowledge import KnowledgeBase
from kb.model import Chip, Claim, Entity, Vendor
from kb.schema import CLAIM_KINDS
from tui.kbtext import kb_text, one_line
from tui.messages import ToggleMark

PAGE = 200
MARK = "● "


@dataclass(frozen=True)
class Group:
    """A node whose children (entity ids, or sub-groups) are added on first expansion."""

    key: str
    children: Callable[[], list[Group | str]]


NodeData = Group | str


def badge(kind: str) -> Text:
    """A claim kind as a short coloured badge."""
    styles = {
        "fact": "bold black on green",
        "vendor-claim": "bold black on yellow",
        "analysis": "bold black on cyan",
        "forecast": "bold black on magenta",
    }
    return Text(f" {kind} ", style=styles.get(kind, "reverse"))


def entity_label(kb: KnowledgeBase, entity: Entity, marked: bool = False, with_badge: bool = True) -> Text:
    """How an entity reads in a list: claims with their kind badge, chips with a mark when marked."""
    label = Text()
    if isinstance(entity, Chip):
        label.append(MARK if marked else "  ", style="bold green")
    if isinstance(entity, Claim):
        if with_badge:
            label.append_text(badge(entity.kind))
            label.append(" ")
        label.append_text(kb_text(one_line(entity.statement, 90)))
        return label
    label.append_text(kb_text(one_line(entity.title, 90)))
    if isinstance(entity, Vendor):
        label.append(f" ({len(kb.chips_of(entity.id))})", style="dim")
    return label


def _paged(key: str, ids: list[str]) -> list[NodeData]:
    if len(ids) <= PAGE:
        return list(ids)
    pages: list[NodeData] = []
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        pages.append(Group(f"{key}:{start + 1}-{start + len(chunk)}", lambda chunk=chunk: list(chunk)))
    return pages


class KBTree(Tree[NodeData]):
    """Vendors, claims and sources of one KB; chips can be marked for comparison with space."""

    BINDINGS = [  # noqa: RUF012
        Binding("space", "mark", "Mark chip", id="tree_mark", tooltip="Mark or unmark the chip for comparison"),
        Binding("right", "expand", "Expand", show=False),
        Binding("left", "collapse", "Collapse", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("KB"), id=id)
        self.show_root = False
        self.auto_expand = True
        self.kb: KnowledgeBase | None = None
        self.marked: set[str] = set()
        self._group_titles: dict[str, Text] = {}
        #: The nodes of chips added so far, to redraw their marks.
        self._chip_nodes: dict[str, TreeNode[NodeData]] = {}

    # --- building -------------------------------------------------------------------------------

    def load(self, kb: KnowledgeBase, marked: Iterable[str] = ()) -> None:
        """Show `kb`: the top-level groups only; their children come on expansion."""
        self.kb = kb
        self.marked = set(marked)
        self.clear()
        self._chip_nodes = {}
        vendors = sorted(kb.vendors, key=lambda v: v.title.casefold())
        known_vendors = {v.id for v in vendors}
        orphans = sorted((c.id for c in kb.chips if c.vendor not in known_vendors), key=self._sort_key)
        claims = kb.claims
        sources = sorted((s.id for s in kb.sources), key=self._sort_key)

        def vendor_children() -> list[NodeData]:
            children: list[NodeData] = [
                Group(f"vendor:{v.id}", lambda v=v: sorted((c.id for c in kb.chips_of(v.id)), key=self._sort_key))
                for v in vendors
            ]
            if orphans:
                children.append(Group("orphans", lambda: list(orphans)))
            return children

        def claim_children() -> list[NodeData]:
            by_kind: dict[str, list[str]] = {kind: [] for kind in CLAIM_KINDS}
            for claim in claims:
                by_kind.setdefault(claim.kind, []).append(claim.id)
            return [
                Group(f"kind:{kind}", lambda kind=kind, ids=ids: _paged(f"kind:{kind}", sorted(ids)))
                for kind, ids in by_kind.items()
                if ids
            ]

        self._group_titles = {
            "vendors": Text.assemble("Vendors ", (f"({len(vendors)})", "dim")),
            "claims": Text.assemble("Claims ", (f"({len(claims)})", "dim")),
            "sources": Text.assemble("Sources ", (f"({len(sources)})", "dim")),
            "orphans": Text.assemble("Chips of unknown vendors ", (f"({len(orphans)})", "dim")),
        }
        for claim_kind in CLAIM_KINDS:
            count = sum(1 for c in claims if c.kind == claim_kind)
            self._group_titles[f"kind:{claim_kind}"] = Text.assemble(badge(claim_kind), (f" ({count})", "dim"))
        for group in (
            Group("vendors", vendor_children),
            Group("claims", claim_children),
            Group("sources", lambda: list(sources)),
        ):
            self._add(self.root, group)

    def _sort_key(self, entity_id: str) -> str:
        assert self.kb is not None
        return self.kb.title_of(entity_id).casefold()

    def _group_label(self, group: Group) -> Text:
        if group.key in self._group_titles:
            return self._group_titles[group.key]
        if group.key.startswith("vendor:") and self.kb is not None:
            vendor = self.kb.get(group.key.removeprefix("vendor:"))
            if vendor is not None:
                return entity_label(self.kb, vendor)
        return Text(group.key.rsplit(":", 1)[-1])

    def _add(self, parent: TreeNode[NodeData], data: NodeData) -> TreeNode[NodeData] | None:
        if isinstance(data, Group):
            return parent.add(self._group_label(data), data)
        assert self.kb is not None
        entity = self.kb.get(data)
        if entity is None:
            return None
        # inside a kind group the kind badge would only repeat the group's
        node = parent.add_leaf(entity_label(self.kb, entity, data in self.marked, with_badge=False), data)
        if isinstance(entity, Chip):
            self._chip_nodes[data] = node
        return node

    def _fill(self, node: TreeNode[NodeData]) -> None:
        """Add a group's children, once."""
        if isinstance(node.data, Group) and not node.children:
            for child in node.data.children():
                self._add(node, child)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        self._fill(event.node)

    # --- queries --------------------------------------------------------------------------------

    def entity_at_cursor(self) -> str | None:
        node = self.cursor_node
        if node is None:
            return None
        if isinstance(node.data, str):
            return node.data
        if isinstance(node.data, Group) and node.data.key.startswith("vendor:"):
            return node.data.key.removeprefix("vendor:")
        return None

    def reveal(self, entity_id: str) -> bool:
        """Expand the groups leading to `entity_id` and put the cursor on it; False when it is not here."""
        path = self._path_to(entity_id)
        if path is None:
            return False
        node = self.root
        for key in path:
            self._fill(node)
            found = next((child for child in node.children if self._key(child.data) == key), None)
            if found is None:
                return False
            node = found
            if key != path[-1]:
                self._fill(node)
                node.expand()
        _ = self.last_line  # lays the tree out again, so the new node knows its line
        self.move_cursor(node, animate=False)
        return True

    @staticmethod
    def _key(data: NodeData | None) -> str:
        return data.key if isinstance(data, Group) else str(data)

    def _path_to(self, entity_id: str) -> list[str] | None:
        """The node keys from the top group down to the entity's node."""
        kb = self.kb
        entity = kb.get(entity_id) if kb else None
        if kb is None or entity is None:
            return None
        if isinstance(entity, Vendor):
            return ["vendors", f"vendor:{entity.id}"]
        if isinstance(entity, Chip):
            if isinstance(kb.get(entity.vendor), Vendor):
                return ["vendors", f"vendor:{entity.vendor}", entity.id]
            return ["vendors", "orphans", entity.id]
        if isinstance(entity, Claim):
            kind_key = f"kind:{entity.kind}"
            path = ["claims", kind_key]
            ids = sorted(c.id for c in kb.claims if c.kind == entity.kind)
            if len(ids) > PAGE:
                start = ids.index(entity.id) // PAGE * PAGE
                end = min(start + PAGE, len(ids))
                path.append(f"{kind_key}:{start + 1}-{end}")
            return [*path, entity.id]
        return ["sources", entity.id]

    # --- marks ----------------------------------------------------------------------------------

    def action_mark(self) -> None:
        entity_id = self.entity_at_cursor()
        if entity_id and isinstance(self.kb and self.kb.get(entity_id), Chip):
            self.post_message(ToggleMark(entity_id))
        elif self.cursor_node is not None and self.cursor_node.allow_expand:
            self.cursor_node.toggle()

    def set_marked(self, marked: Iterable[str]) -> None:
        """Redraw the chip labels whose mark changed."""
        new = set(marked)
        changed = new ^ self.marked
        self.marked = new
        if not changed or self.kb is None:
            return
        for chip_id in changed:
            node = self._chip_nodes.get(chip_id)
            entity = self.kb.get(chip_id)
            if node is not None and entity is not None:
                node.set_label(entity_label(self.kb, entity, chip_id in new))

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent, animate=False)
