"""What the explorer shows: a list of steps, each one graph of a pipeline.

For every differentiated program (a loaded graph, or each backward a script runs): the
forward graph, the joint graph from `grad`, then one step per pass of the pipeline.
Each step has its graph, stable node ids (`tapegraph.ir.diff.NodeIdentity`, shared by
all steps so a node keeps its id across passes), the structural diff against the
previous step of its program, the pass's time, and links to the graphs a higher-order
graph differentiates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..ir import Graph, Node, Value
from ..ir.diff import GraphDiff, NodeIdentity, Row, diff, rows, walk
from ..passes import PassManager, PassRecord, parse_pipeline

GRAD_REGION = "_grad_region"  # a recorded backward (create_graph) inside a graph


@dataclass
class Step:
    """One graph of the exploration."""

    title: str
    kind: str                      # "forward", "grad" or "pass"
    program: int                   # 1-based: which differentiated program
    graph: Graph
    ids: Dict[Node, str]
    diff: GraphDiff
    rows: List[Row]
    seconds: Optional[float] = None
    names: Dict[Any, str] = field(default_factory=dict)
    output_labels: Optional[List[str]] = None
    links: List[Tuple[str, int]] = field(default_factory=list)  # (text, step index)

    @property
    def node_count(self) -> int:
        return sum(1 for _ in walk(self.graph))


@dataclass
class Exploration:
    """Every step of every program, in order; `title` names the source."""

    title: str
    steps: List[Step] = field(default_factory=list)
    identity: NodeIdentity = field(default_factory=NodeIdentity)
    programs: int = 0
    create_graph: Dict[int, bool] = field(default_factory=dict)

    def add_program(self, forward: Graph, pipeline: Sequence[Any],
                    grad_options: Optional[Dict[str, Any]] = None,
                    known: Optional[Sequence[Value]] = None,
                    names: Optional[Dict[Any, str]] = None,
                    labels: Optional[List[str]] = None, create_graph: bool = False,
                    joint: Optional[Graph] = None) -> None:
        """Add `forward`, its gradient (unless `grad_options` is None) and each pass of
        `pipeline`. `known` forward values become inputs first (`residualize`), as for
        a backward the engine runs. A given `joint` that the gradient pass does not
        reproduce is shown as is (without a time)."""
        self.programs += 1
        program = self.programs
        self.create_graph[program] = create_graph
        names = dict(names or {})
        first = len(self.steps)
        self._add(Step("forward", "forward", program, forward, {}, GraphDiff(), [],
                       names=names), None)
        self._link_higher_order(first)
        steps: List[Any] = []
        if grad_options is not None:
            steps.append(("grad", dict(grad_options)))
        if known is not None:
            steps.append(("residualize", {"known": list(known)}))
        steps.extend(parse_pipeline(list(pipeline)))
        manager = PassManager(steps, verify=False)
        try:
            manager.run(forward)
        except Exception:
            if joint is None:
                raise
            manager.history = []
        history = list(manager.history)
        if joint is not None and grad_options is not None and (
                not history or history[0].graph != joint):
            rest = PassManager(steps[1:], verify=False)
            rest.run(joint)
            history = [PassRecord("grad", float("nan"), True, joint)] + list(rest.history)
        for record in history:
            kind = "grad" if record.name == "grad" else "pass"
            seconds = record.seconds if record.seconds == record.seconds else None
            self._add(Step(record.name, kind, program, record.graph, {}, GraphDiff(), [],
                           seconds=seconds, names=names,
                           output_labels=labels if kind != "forward" else None),
                      self.steps[-1])

    def _add(self, step: Step, previous: Optional[Step]) -> None:
        step.ids = self.identity.assign(step.graph)
        before = previous.graph if previous is not None else None
        before_ids = previous.ids if previous is not None else {}
        step.diff = diff(before, before_ids, step.graph, step.ids, self.identity)
        if previous is None:  # a program's first graph: nothing to compare, nothing marked
            step.diff.kept, step.diff.added = step.diff.added, []
        names = {v: n for v, n in step.names.items() if isinstance(v, Value)}
        step.rows = rows(before, before_ids, step.graph, step.ids, step.diff, names)
        self.steps.append(step)

    def _link_higher_order(self, index: int) -> None:
        """Link a forward graph holding recorded backwards to the steps they came from."""
        step = self.steps[index]
        for node, _ in walk(step.graph):
            if node.op != GRAD_REGION or node.region is None:
                continue
            target = self._find_graph(node.region, before=index)
            if target is not None:
                text = "differentiates program %d (%s)" % (self.steps[target].program,
                                                           self.steps[target].title)
                if (text, target) not in step.links:
                    step.links.append((text, target))

    def _find_graph(self, region: Graph, before: int) -> Optional[int]:
        key = region.structure()
        candidates = [i for i in range(before) if self.steps[i].kind != "forward"]
        for i in reversed(candidates):
            if self.steps[i].graph.structure() == key:
                return i
        # Not identical (the recorded region ran other passes): the latest program
        # recorded with create_graph, at its gradient step.
        for i in reversed(candidates):
            s = self.steps[i]
            if self.create_graph.get(s.program) and s.kind == "grad":
                return i
        return None

    def forward_of(self, node: Node) -> Optional[Tuple[str, int]]:
        """(node id, step index) of the forward node a gradient node came from."""
        src = (node.meta or {}).get("vjp_of")
        if src is None:
            return None
        for i, step in enumerate(self.steps):
            ident = step.ids.get(src)
            if ident is not None:
                return ident, i
        return None
