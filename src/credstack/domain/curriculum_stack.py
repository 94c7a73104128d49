"""The stack under a terminal credential: every achievement its pathway tree can reach, and the
route (the pathway nodes, from the root down) through which each one is reached.

An achievement is reached by an ``achievement`` leaf; by a ``credits`` leaf whose pool admits
it (any catalog achievement that is not retired); by a ``competency`` leaf for which it is
eligible (aligned to that competency at the minimum level); and by a ``pathway`` leaf, which
names the achievement another pathway awards. An achievement that a pathway awards (a
certificate inside a diploma, whether named by a ``pathway`` or an ``achievement`` leaf) is a
*sub-credential*: the walk goes on into that pathway's own tree. The terminal credential is
never a member of its own stack, nor is an achievement whose own pathway names the terminal
(a diploma is earned after its certificate, not toward it, whatever a credits pool admits);
a pathway already on the route is not entered again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from credstack.domain.achievement import Achievement, LifecycleState
from credstack.domain.errors import NotFound
from credstack.domain.pathways.model import Award, Node, NodeType, Pathway


@dataclass(frozen=True)
class Step:
    """One pathway node on a route."""

    pathway: str  # the pathway's id
    awards: str  # the achievement that pathway awards
    node: str  # the node's id
    type: NodeType
    label: str
    optional: bool  # the parent node can be met without this node
    choice: bool  # the node asks for only one of its parts (``any``, or ``n_of`` with n = 1)


Route = tuple[Step, ...]


@dataclass(frozen=True)
class Member:
    """An achievement in the stack with every route that reaches it."""

    achievement: Achievement
    routes: tuple[Route, ...]
    stacked: bool  # a sub-credential: awarded by a pathway whose tree is part of the stack

    @property
    def code(self) -> str:
        return self.achievement.code

    @property
    def required(self) -> bool:
        """Some route reaches it through required nodes only, ending at a leaf that names it
        (not one option of a credits pool or of a competency leaf)."""
        return any(
            r[-1].type in ("achievement", "pathway") and not any(s.optional for s in r) for r in self.routes
        )

    @property
    def parents(self) -> tuple[str, ...]:
        """The credentials it stacks into directly (one per route, first route first)."""
        return tuple(dict.fromkeys(r[-1].awards for r in self.routes))


@dataclass(frozen=True)
class Named:
    """An achievement code a pathway node names, and the route to that node."""

    code: str
    route: Route


@dataclass(frozen=True)
class Stack:
    terminal: Achievement
    pathway: Pathway
    members: tuple[Member, ...]  # in the order the walk first reaches them (depth first)
    unknown: tuple[Named, ...] = ()  # codes the catalog does not hold
    circular: tuple[Named, ...] = ()  # codes named inside the stack that need the terminal first

    @property
    def components(self) -> tuple[Member, ...]:
        """The members assessed in their own right (not awarded by a pathway)."""
        return tuple(m for m in self.members if not m.stacked)

    @property
    def credentials(self) -> tuple[Member, ...]:
        """The sub-credentials."""
        return tuple(m for m in self.members if m.stacked)

    def member(self, code: str) -> Member | None:
        return next((m for m in self.members if m.code == code), None)


def pathways_awarding(code: str, pathways: Sequence[Pathway]) -> list[Pathway]:
    """The pathways that award ``code``: the one whose id is ``code`` first, then by id."""
    return sorted((p for p in pathways if p.awards == code), key=lambda p: (p.id != code, p.id))


def pathway_for(code: str, pathways: Sequence[Pathway], preferred: str | None = None) -> Pathway | None:
    found = pathways_awarding(code, pathways)
    if preferred is not None:
        return next((p for p in found if p.id == preferred), None)
    return found[0] if found else None


def as_award(a: Achievement) -> Award:
    """The achievement as a credits pool judges it."""
    framework = next((al.framework for al in a.alignments if al.framework), None)
    return Award(
        id=a.code,
        achievement=a.code,
        level=a.level,
        kind=a.kind.value,
        tags=frozenset(a.tags),
        framework=framework,
    )


@dataclass
class _Walk:
    catalog: dict[str, Achievement]
    pathways: Sequence[Pathway]
    terminal: str
    resolve: Callable[[str], str | None]
    routes: dict[str, list[Route]] = field(default_factory=dict)
    stacked: set[str] = field(default_factory=set)
    unknown: list[Named] = field(default_factory=list)
    circular: list[Named] = field(default_factory=list)
    after_terminal: dict[str, bool] = field(default_factory=dict)

    def node(self, p: Pathway, node: Node, route: Route, optional: bool, entered: frozenset[str]) -> None:
        choice = node.type == "any" or (node.type == "n_of" and node.n == 1)
        step = Step(p.id, p.awards, node.id, node.type, node.describe(), optional, choice)
        here = (*route, step)
        match node.type:
            case "all" | "any" | "n_of":
                parts_optional = node.required < len(node.children)
                for child in node.children:
                    self.node(p, child, here, parts_optional, entered)
            case "achievement" | "pathway":
                self.reach(node.achievement or "", here, entered)
            case "credits":
                for a in self._offered():
                    if node.pool.admits(as_award(a)):
                        self.reach(a.code, here, entered)
            case "competency":
                wanted = self.resolve(node.competency or "") or node.competency
                for a in self._offered():
                    if any(
                        al.competency == wanted and al.level_reached >= (node.min_level or 1)
                        for al in a.alignments
                    ):
                        self.reach(a.code, here, entered)

    def _needs_terminal(self, code: str) -> bool:
        """Whether the achievement's own pathway names the terminal (at any depth, by its
        achievement and pathway leaves): it is earned after the terminal, never toward it."""
        known = self.after_terminal.get(code)
        if known is None:
            self.after_terminal[code] = False  # a cycle among other pathways ends here
            sub = pathway_for(code, self.pathways)
            named = (
                [n.achievement or "" for n in sub.nodes() if n.type in ("achievement", "pathway")]
                if sub
                else []
            )
            known = self.after_terminal[code] = any(
                c == self.terminal or self._needs_terminal(c) for c in named
            )
        return known

    def _offered(self) -> list[Achievement]:
        return sorted(
            (a for a in self.catalog.values() if a.state is not LifecycleState.RETIRED), key=lambda a: a.code
        )

    def reach(self, code: str, route: Route, entered: frozenset[str]) -> None:
        if code == self.terminal or code in entered or self._needs_terminal(code):
            if route[-1].type in ("achievement", "pathway"):  # named, not one option of a pool
                self.circular.append(Named(code, route))
            return
        if code not in self.catalog:
            self.unknown.append(Named(code, route))
            return
        routes = self.routes.setdefault(code, [])
        if route not in routes:
            routes.append(route)
        sub = pathway_for(code, self.pathways)
        if sub is not None:
            self.stacked.add(code)
            self.node(sub, sub.root, route, False, entered | {code})


def build_stack(
    terminal: str,
    *,
    catalog: Sequence[Achievement],
    pathways: Sequence[Pathway],
    pathway: str | None = None,
    resolve: Callable[[str], str | None] = lambda key: key,
) -> Stack:
    """The stack of ``terminal`` under ``pathway`` (by default the pathway whose id is the
    terminal's code, else the first by id of those that award it). ``resolve`` turns the key a
    competency leaf names (identifier or code) into the identifier alignments use."""
    by_code = {a.code: a for a in catalog}
    if terminal not in by_code:
        raise NotFound("achievement", terminal)
    chosen = pathway_for(terminal, pathways, pathway)
    if chosen is None:
        raise NotFound("pathway that awards", terminal if pathway is None else f"{terminal} named {pathway}")
    walk = _Walk(by_code, pathways, terminal, resolve)
    walk.node(chosen, chosen.root, (), False, frozenset({terminal}))
    members = tuple(
        Member(by_code[code], tuple(routes), code in walk.stacked) for code, routes in walk.routes.items()
    )
    return Stack(by_code[terminal], chosen, members, tuple(walk.unknown), tuple(walk.circular))
