"""Per-thread recording state and the tape: the operators one thread recorded, in order,
with the structural key of the graph they form built as they are appended (see `Tape`;
`tapegraph.trace.invoke` appends, `tapegraph.trace.collect` reads)."""
from __future__ import annotations

import threading
import weakref
from typing import Any, Dict, List, Sequence

from ..ir import Node
from .key import leaf_entry, node_entry
from .values import TracedValue


class _State(threading.local):
    """Per-thread recording and training flags (MXNet keeps them per thread too)."""

    def __init__(self):
        self.recording = False
        self.training = False
        self.tape = None  # a weak reference to this thread's Tape (the values keep it alive)
        self.functions: list = []  # Function instances bound by the running backward


class Tape:
    """The operators one thread recorded since its outermost `record()` scope opened, in
    order, with the structural key of the graph they form built as they are appended.

    Each recorded value gets a position: leaves where first used (`leaves` maps them to
    it, in that order), then each node's outputs (`value.pos`, with `value.tape` this
    tape). `entries` is the cache key in the making: one entry per node, `(op, attribute
    items, *input positions)`, and one per leaf, `(type, grad_req)`; a variable's entry
    is a placeholder filled at backward time (its grad_req may change), so
    `variable_slots` lists `(entry slot, value)` for those.
    `open` holds the positions of node outputs no later node consumed: when it is exactly
    the heads of a backward, every node on the tape is an ancestor of a head, so the tape
    IS the graph to differentiate and its key needs no walk (see tapegraph.trace.collect).

    A tape goes `clean = False` (and is then ignored) when it cannot describe a graph by
    itself: a recorded input was computed by a node not on it (another scope, thread or
    recorder), a backward freed some of its nodes, an attribute is unhashable, or it grew
    past TAPE_MAX values (it is then emptied, so it pins no memory).

    The thread refers to its tape weakly: the tape lives as long as values on it do, so a
    graph dropped without a backward is reclaimed (by the cyclic collector) as before.
    """

    __slots__ = ("values", "entries", "nodes", "leaves", "variable_slots", "open", "clean",
                 "owner", "__weakref__")

    def __init__(self):
        self.values: List[Any] = []
        self.entries: List[Any] = []
        self.nodes: List[Node] = []
        self.leaves: Dict[Any, int] = {}  # leaf value -> position
        self.variable_slots: List[tuple] = []  # (entry slot, value) of each variable leaf
        self.open: set = set()
        self.clean = True
        self.owner = threading.get_ident()  # only this thread appends, and reads it off

    def retire(self) -> None:
        """Stop describing a graph: the fallback (a walk from the heads) takes over."""
        self.clean = False
        self.values, self.entries, self.nodes, self.variable_slots = [], [], [], []
        self.leaves = {}
        self.open = set()


TAPE_MAX = 1 << 17  # values on one tape before it retires (bounds what a tape pins)


def new_tape() -> None:
    """Start a fresh tape for this thread (an outermost recording scope opens)."""
    STATE.tape = None


def current_tape() -> Tape:
    """This thread's tape (a new one if it has none)."""
    ref = STATE.tape
    tape = ref() if ref is not None else None
    if tape is None:
        tape = Tape()
        STATE.tape = weakref.ref(tape)
    return tape


def tape_node(tape: Tape, node: Node, in_values: Sequence[Any], items: tuple) -> None:
    """Append `node` (whose outputs are new values) to `tape`, or retire the tape when the
    node cannot be described by it alone. `items`: the attribute part of the node's key
    entry (`tapegraph.trace.key.node_items`)."""
    positions = []
    values = tape.values
    for v in in_values:
        if v.tape is tape:
            p = v.pos
            tape.open.discard(p)
        elif v.node is None:  # a leaf (it does not refer to the tape: it would pin it)
            p = tape.leaves.get(v)
            if p is None:  # first used here
                p = tape.leaves[v] = len(values)
                values.append(v)
                if type(v) is TracedValue:  # a constant: its entry is final
                    tape.entries.append(leaf_entry(v))
                else:  # a variable: see Tape
                    tape.variable_slots.append((len(tape.entries), v))
                    tape.entries.append(None)
        else:  # computed off this tape
            tape.retire()
            _off_tape(node)
            return
        positions.append(p)
    tape.entries.append(node_entry(node, items, positions))
    tape.nodes.append(node)
    for out in node.outputs:
        p = len(values)
        values.append(out)
        out.tape = tape
        out.pos = p
        tape.open.add(p)
    if len(values) > TAPE_MAX:
        tape.retire()


def hide(values: Sequence[Any]) -> None:
    """`values` are outputs no array exposes (a hybridized block's residuals, returned for
    its backward only): no later node consumes them and no backward starts from them, so
    they are no open ends of their tape (which then still reads off as the graph)."""
    for v in values:
        tape = v.tape
        if tape is not None:
            tape.open.discard(v.pos)


def _off_tape(node: Node) -> None:
    for out in node.outputs:
        out.tape = None


STATE = _State()
