"""The prerequisite graph (前置事项): item → the items it needs first. Plain mappings in,
plain lists out; the checks and the planner share these."""

from collections.abc import Iterable, Mapping, Sequence


def closure(prerequisites: Mapping[str, Sequence[str]], codes: Iterable[str]) -> list[str]:
    """`codes` and everything they need, directly or not: the requested codes first, in
    their order, then prerequisites as discovered. Unknown codes are kept (the caller
    reports them)."""
    order = list(dict.fromkeys(codes))
    seen = set(order)
    for code in order:  # the list grows while we walk it
        for pre in prerequisites.get(code, ()):
            if pre not in seen:
                seen.add(pre)
                order.append(pre)
    return order


def cycles(prerequisites: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle for each knot of items that need each other (a strongly connected component
    with more than one item, or an item that needs itself), each named in full and closed:
    ["A", "B", "C", "A"] means A needs B, B needs C, C needs A. Each cycle starts at the item
    that comes first in `prerequisites`, and cycles come in that order too."""
    position = {code: i for i, code in enumerate(prerequisites)}
    found = []
    for component in _strongly_connected(prerequisites):
        first = min(component, key=position.__getitem__)
        if len(component) == 1 and first not in prerequisites[first]:
            continue
        found.append(_cycle_through(first, set(component), prerequisites, position))
    found.sort(key=lambda cycle: position[cycle[0]])
    return found


def _strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (catalogs of thousands of items would overflow
    Python's stack). Edges to codes outside `graph` are ignored."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _cycle_through(
    first: str, members: set[str], graph: Mapping[str, Sequence[str]], position: dict
) -> list[str]:
    """The shortest cycle from `first` back to itself inside its component (breadth-first),
    preferring earlier items on ties so the message is the same every run."""
    parent: dict[str, str] = {}
    frontier = [first]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node], key=lambda c: position.get(c, len(position))):
                if nxt == first:
                    path = [node]
                    while path[-1] != first:
                        path.append(parent[path[-1]])
                    return [first, *reversed(path[:-1]), first] if node != first else [first, first]
                if nxt in members and nxt not in parent:
                    parent[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError("a strongly connected component always holds a cycle")
