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

from kb.store.knowledge import KnowledgeBase
from kb.store.model import Chip, Claim, Entity, Vendor
from kb.store.schema import CLAIM_KINDS
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
        self._members: dict[str, list[str]] = {}
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
        chips_by_vendor: dict[str, list[str]] = {v.id: [] for v in vendors}
        orphans: list[str] = []
        for chip in sorted(kb.chips, key=lambda c: c.title.casefold()):
            chips_by_vendor.get(chip.vendor, orphans).append(chip.id)
        by_kind: dict[str, list[str]] = {kind: [] for kind in CLAIM_KINDS}
        for claim in sorted(kb.claims, key=lambda c: c.id):
            by_kind.setdefault(claim.kind, []).append(claim.id)
        #: The entity ids under each group that lists entities, in the order shown.
        self._members = {f"vendor:{vendor_id}": ids for vendor_id, ids in chips_by_vendor.items()}
        self._members["orphans"] = orphans
        self._members.update({f"kind:{kind}": ids for kind, ids in by_kind.items() if ids})
        self._members["sources"] = [s.id for s in sorted(kb.sources, key=lambda s: s.title.casefold())]

        def listing(key: str) -> Group:
            return Group(key, lambda: _paged(key, self._members[key]))

        def vendor_children() -> list[NodeData]:
            children: list[NodeData] = [listing(f"vendor:{v.id}") for v in vendors]
            return [*children, listing("orphans")] if orphans else children

        def claim_children() -> list[NodeData]:
            return [listing(f"kind:{kind}") for kind in by_kind if by_kind[kind]]

        claims = len(kb.claims)
        self._group_titles = {
            "vendors": Text.assemble("Vendors ", (f"({len(vendors)})", "dim")),
            "claims": Text.assemble("Claims ", (f"({claims})", "dim")),
            "sources": Text.assemble("Sources ", (f"({len(self._members['sources'])})", "dim")),
            "orphans": Text.assemble("Chips of unknown vendors ", (f"({len(orphans)})", "dim")),
        }
        for claim_kind, ids in by_kind.items():
            self._group_titles[f"kind:{claim_kind}"] = Text.assemble(badge(claim_kind), (f" ({len(ids)})", "dim"))
        for group in (Group("vendors", vendor_children), Group("claims", claim_children), listing("sources")):
            self._add(self.root, group)

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
            empty = data.key in self._members and not self._members[data.key]  # a vendor with no chips
            return parent.add(self._group_label(data), data, allow_expand=not empty)
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
        """The node keys from the top group down to the entity's node (through its page, if any)."""
        kb = self.kb
        entity = kb.get(entity_id) if kb else None
        if kb is None or entity is None:
            return None
        if isinstance(entity, Vendor):
            return ["vendors", f"vendor:{entity.id}"]
        if isinstance(entity, Chip):
            listing = f"vendor:{entity.vendor}" if f"vendor:{entity.vendor}" in self._members else "orphans"
            path = ["vendors", listing]
        elif isinstance(entity, Claim):
            listing = f"kind:{entity.kind}"
            path = ["claims", listing]
        else:
            listing = "sources"
            path = [listing]
        ids = self._members.get(listing, [])
        if entity_id not in ids:
            return None
        if len(ids) > PAGE:
            start = ids.index(entity_id) // PAGE * PAGE
            path.append(f"{listing}:{start + 1}-{min(start + PAGE, len(ids))}")
        return [*path, entity_id]

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
