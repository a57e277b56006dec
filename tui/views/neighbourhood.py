"""An actor and the actors related to it, one or two hops out, as a tree."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from ..analysis import Direction, Edge, Neighbour, neighbourhood, who_acted
from ..filters import Filters
from ..model import KnowledgeBase, counted
from ..sanitize import display
from ..widgets.fitting_footer import FittingFooter
from ..widgets.row_cursor import LETTER_CURSOR_BINDINGS
from .base import AnalystView
from .filter_bar import FilterBar
from .render import MUTED_STYLE, actor_label, actor_name, polarity_text

ARROWS = {Direction.OUT: "→", Direction.IN: "←"}
LEGEND = "→ parent acts on actor  ← actor acts on parent  │  Enter: recentre"


def edge_text(edge: Edge) -> Text:
    """``→ backs ++``: direction, type and coloured polarity sign of one relation."""
    text = Text(f"{ARROWS[edge.direction]} {edge.type} ")
    text.append_text(polarity_text(edge.polarity))
    return text


def neighbour_label(kb: KnowledgeBase, neighbour: Neighbour) -> Text:
    label = actor_label(kb, neighbour.actor_id)
    for edge in neighbour.edges:
        label.append("  ")
        label.append_text(edge_text(edge))
    return label


class NeighbourTree(Tree[Neighbour | None]):
    """A tree whose labels fit its width: a label too long for it is cut, and ends in "…".

    The relations a cut label leaves out are all listed, in full, under the tree for the
    highlighted node.
    """

    BINDINGS = [
        *LETTER_CURSOR_BINDINGS,
        Binding("g", "scroll_home", "First actor", show=False),
        Binding("G", "scroll_end", "Last actor", show=False),
    ]

    def render_label(
        self, node: TreeNode[Neighbour | None], base_style: Style, style: Style
    ) -> Text:
        label = super().render_label(node, base_style, style)
        depth = 0  # the guides before the label: one per ancestor shown
        ancestor = node.parent
        while ancestor is not None and (self.show_root or not ancestor.is_root):
            depth += 1
            ancestor = ancestor.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        if room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return label


class NeighbourhoodScreen(AnalystView):
    """``NeighbourhoodScreen(kb, actor_id, filters=None, hops=1, roll_up=False)``.

    Enter (or a click) on a neighbour recentres the tree on it; ``b`` goes back.
    """

    HELP_TITLE = "Neighbourhood"
    CSS_PATH = "neighbourhood.tcss"
    BINDINGS = [
        Binding("t", "toggle_hops", "1/2 hops", tooltip="Neighbours one hop out, or two"),
        Binding("b,backspace", "back", "Back", tooltip="Centre on the previous actor again"),
        AnalystView.ROLL_UP_BINDING,
    ]

    def __init__(
        self,
        kb: KnowledgeBase,
        actor_id: str,
        filters: Filters | None = None,
        *,
        hops: int = 1,
        roll_up: bool = False,
    ) -> None:
        super().__init__(kb, filters, roll_up=roll_up)
        self.centre = actor_id
        self.hops = hops
        self.history: list[str] = []
        self._centre_summary = Text()  # what the area under the tree says of the centre

    def compose(self) -> ComposeResult:
        yield Static(id="neighbourhood-title")
        yield FilterBar(self.filters)
        tree = NeighbourTree(Text(), id="neighbourhood-tree")
        tree.auto_expand = False
        yield tree
        # Scrolls (mouse wheel, or Tab to it and the arrow keys): every relation can be read.
        with VerticalScroll(id="neighbourhood-info"):
            yield Static(id="neighbourhood-info-text")
        yield Static(Text(LEGEND, style=MUTED_STYLE), id="neighbourhood-legend")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(Tree).focus()

    def rebuild(self) -> None:
        shown = self.shown
        # A centre rolled into its state is shown as the state; unrolled, as itself again.
        centre = self.kb.state_of(self.centre) if self.roll_up else None
        if centre is not None:
            self.centre = centre
        hood = neighbourhood(shown, self.centre, self.hops)
        tree: Tree[Neighbour | None] = self.query_one(Tree)
        root_label = actor_label(shown, self.centre)
        root_label.stylize("bold")
        tree.reset(root_label, None)
        for neighbour in hood.neighbours:
            node = tree.root.add(
                neighbour_label(shown, neighbour),
                neighbour,
                expand=True,
                allow_expand=bool(neighbour.children),
            )
            for child in neighbour.children:
                node.add_leaf(neighbour_label(shown, child), child)
        tree.root.expand()
        tree.move_cursor(tree.root)
        hop_text = "1 hop" if self.hops == 1 else "2 hops"
        title = Text.assemble(("Neighbourhood", "bold"))
        if self.roll_up:  # first: a narrow screen cuts the end of the title
            title.append(" · people in their states")
        title.append(f" · {hop_text} · {len(hood.neighbours)} related directly")
        self.query_one("#neighbourhood-title", Static).update(title)
        relations = sum(len(neighbour.edges) for neighbour in hood.neighbours)
        self._centre_summary = actor_label(shown, self.centre)
        self._centre_summary.append(
            f" · {counted(relations, 'relation')} with {counted(len(hood.neighbours), 'actor')}"
            + ("; move down the tree for each one's" if hood.neighbours else ""),
            style=MUTED_STYLE,
        )
        self._describe(None)

    def _describe(self, node: TreeNode[Neighbour | None] | None) -> None:
        """The highlighted actor, whom it is related to, and every relation between them."""
        info = self.query_one("#neighbourhood-info-text", Static)
        self.query_one("#neighbourhood-info", VerticalScroll).scroll_home(animate=False)
        neighbour = node.data if node is not None else None
        if node is None or neighbour is None:
            info.update(self._centre_summary)
            return
        shown = self.shown
        parent = node.parent.data if node.parent is not None else None
        heading = actor_label(shown, neighbour.actor_id)
        heading.append(" · related to ", style=MUTED_STYLE)
        heading.append(actor_name(shown, parent.actor_id if parent else self.centre))
        heading.append(f" · {counted(len(neighbour.edges), 'relation')}", style=MUTED_STYLE)
        lines = [heading]
        for edge in neighbour.edges:
            line = edge_text(edge)
            line.append(": " + display(shown.relation_by_id[edge.relation_id].summary))
            acted = who_acted(self.kb, shown, edge.relation_id)
            if acted is not None:
                line.append(f" ({display(acted)})", style=MUTED_STYLE)
            lines.append(line)
        info.update(Text("\n").join(lines))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Neighbour | None]) -> None:
        event.stop()
        self._describe(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Neighbour | None]) -> None:
        event.stop()
        if event.node.data is not None:
            self.recentre(event.node.data.actor_id)

    def recentre(self, actor_id: str) -> None:
        if actor_id == self.centre:
            return
        self.history.append(self.centre)
        self.centre = actor_id
        self.rebuild()

    def action_toggle_hops(self) -> None:
        self.hops = 2 if self.hops == 1 else 1
        self.rebuild()

    def action_back(self) -> None:
        if self.history:
            self.centre = self.history.pop()
            self.rebuild()
