"""Code generation for `fused` nodes: a region of element-wise operators becomes Python
source over NumPy ufuncs.

Two functions are generated per region:

- `small(*inputs)`: the region as straight-line NumPy expressions (for arrays that fit
  in cache, where Python overhead dominates);
- `chunk(lo, hi, inputs, outputs, scratch, sums)`: one slice `[lo:hi)` of the flattened
  arrays, every operator writing into a cache-sized scratch buffer with `out=` (reused
  as soon as a value dies), so a chain of N operators touches main memory about once.

`FusedKernel.__call__` runs `small` for small arrays and otherwise walks the arrays in
chunks of `CHUNK` elements; when they are large, two threads take chunks from a shared
counter (NumPy's ufunc loops release the GIL; a thread that starts late takes fewer).
`FusedKernel.source` is the generated text.

A region may end in full reductions (`sum` / `mean` over every axis: operators with a
`reduction`, see `OpDef`): a reduction epilogue. Each chunk stores its partial sum (NumPy's pairwise
sum of the chunk, in the array's dtype) and the partial sums are added in chunk order in
float64, so the reduced array itself is never written to memory and the result does not
depend on how the chunks were shared out; it has the dtype the eager operator gives. No
node of the region may read a reduction's result.
"""
from __future__ import annotations

import functools
import itertools
import math
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import numpy as np

from ..ir import REGISTRY, ExecutionError, Graph, Node, Value, attrs_key

# Elements per chunk: f32 scratch buffers of 256 KiB (L2/L3-resident). Two threads hand
# the GIL to each other between ufunc calls; smaller chunks measured slower on 2 cores.
CHUNK = 65536
THREAD_MIN = 1 << 20     # split over threads from this many elements on
THREADS = max(1, min(2, os.cpu_count() or 1))

_POOL: Optional[ThreadPoolExecutor] = None
_POOL_PID = 0
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """The worker threads, made on first use and again in a forked child (a fork keeps the
    pool object but not its threads: a job submitted there would never run)."""
    global _POOL, _POOL_PID
    with _POOL_LOCK:
        if _POOL is None or _POOL_PID != os.getpid():
            _POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="tg-fused")
            _POOL_PID = os.getpid()
        return _POOL


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Consts:
    """Binds attribute values to names of the generated module (no literal round trip)."""

    def __init__(self):
        self.names: Dict[Tuple[Any, ...], str] = {}
        self.env: Dict[str, Any] = {"np": np}

    def bind(self, value: Any) -> str:
        if isinstance(value, str):
            # dtype names etc. are spliced into quoted template text: only plain words,
            # so a graph loaded from untrusted text can never inject code here.
            if not _WORD.fullmatch(value):
                raise ExecutionError("fused kernel: attribute value %r is not a plain name"
                                     % (value[:60],))
            return value
        key = (type(value), value, _sign(value))
        name = self.names.get(key)
        if name is None:
            name = "c%d" % len(self.names)
            self.names[key] = name
            self.env[name] = value
        return name

    def bind_operand(self, value: Any, dtype: Optional[str]) -> str:
        """A scalar operand of arithmetic on a `dtype` array: a Python float becomes a 0-d
        array of that (float) dtype, the value NumPy would use, without the ~0.4 us it
        spends converting a Python float on every call."""
        if type(value) is not float or dtype is None or np.dtype(dtype).kind != "f":
            return self.bind(value)
        key = (np.ndarray, (dtype, value, _sign(value)))
        name = self.names.get(key)
        if name is None:
            name = "c%d" % len(self.names)
            self.names[key] = name
            with np.errstate(over="ignore"):
                self.env[name] = np.array(value, dtype=dtype)
        return name


def _sign(value: Any) -> Any:
    """Tells -0.0 from 0.0 in constant keys (they compare equal but compute differently)."""
    return math.copysign(1.0, value) if type(value) is float else None


def _reduction(op: str) -> Optional[str]:
    """`"sum"` / `"mean"` for an operator a region may end in (see OpDef.reduction)."""
    return REGISTRY.get(op).reduction


def _expr(node: Node, args: Sequence[str], consts: _Consts) -> str:
    """The node's `fuse` template with argument names and bound attribute names."""
    opdef = REGISTRY.get(node.op)
    template = opdef.fuse
    assert template is not None, node.op  # (fusible nodes have one)
    if node.op == "_power_scalar" and node.attrs["scalar"] in (2.0, 3.0):
        square = "np.square(%s)" % args[0]  # as the eager kernel computes it
        return square if node.attrs["scalar"] == 2.0 else "(%s * %s)" % (square, args[0])
    operands = opdef.ufunc[1] if opdef.ufunc else ()
    dtype = node.inputs[0].type.dtype if node.inputs else None
    attrs = {k: consts.bind_operand(v, dtype) if k in operands else consts.bind(v)
             for k, v in node.attrs.items()}
    return template.format(*args, a=attrs)


def _ufunc_call(node: Node, args: Sequence[str], out: str, consts: _Consts
                ) -> Optional[List[str]]:
    """Statements computing `node` into `out` with ufunc `out=` calls (from the operator's
    `ufunc` or `fill`), or None when it has neither (the caller falls back to
    `np.copyto(out, expr)`)."""
    opdef = REGISTRY.get(node.op)
    if opdef.fill is not None:
        return ["%s.fill(%s)" % (out, consts.bind(opdef.fill))]
    if opdef.ufunc is None:
        return None
    name, operands = opdef.ufunc
    if not isinstance(getattr(np, name, None), np.ufunc):
        return None
    dtype = node.inputs[0].type.dtype
    if name == "power" and isinstance(operands[1], str):  # x ** p, as the eager kernel
        p = float(node.attrs[operands[1]])
        if p == 2.0:
            return ["np.square(%s, out=%s)" % (args[0], out)]
        if p == 3.0 and out != args[0]:
            return ["np.square(%s, out=%s)" % (args[0], out),
                    "np.multiply(%s, %s, out=%s)" % (out, args[0], out)]
        return ["np.power(%s, %s, out=%s)" % (args[0], consts.bind(p), out)]
    texts = [args[a] if isinstance(a, int) else consts.bind_operand(node.attrs[a], dtype)
             for a in operands]
    if name in _COMPARISONS:  # booleans, written as 0/1 of the output's dtype
        return ["np.%s(%s, out=%s, casting='unsafe')" % (name, ", ".join(texts), out)]
    return ["np.%s(%s, out=%s)" % (name, ", ".join(texts), out)]


_COMPARISONS = frozenset(("equal", "not_equal", "greater", "greater_equal", "less",
                          "less_equal"))


class FusedKernel:
    """The compiled form of one `fused` node; call it with the node's input arrays, and
    optionally `out=`, one array (or None: allocate) per output to write the results into,
    and `add=`, one flag per output whose result is added to its `out` array instead
    (both ignored up to one chunk of elements, where the straight-line code runs)."""

    takes_out = True  # Plan.run(into=...) may bind output buffers

    def __init__(self, node: Node):
        region = node.region
        assert region is not None, "a fused node holds its region"
        self.node = node
        self.region = region
        self.out_types = [v.type for v in region.outputs]
        self.size = _iteration_size(region)
        # Whether results go into `out=` buffers: up to one chunk, the straight-line code
        # returns fresh arrays (a Plan then allocates no buffers for it to ignore).
        self.writes_out = self.size > CHUNK
        consts = _Consts()
        code = self._code = _canonical(region)
        self.small_source = _small_source(code, consts)
        (self.chunk_source, self.scratch_dtypes, self.accumulators, self.tail,
         self.scalar_outputs) = _chunk_source(code, consts, self.size)
        self._adding: Dict[frozenset, Tuple[Callable, List[str]]] = {}
        self._tail_kernels = [_eager(n) for n in self.tail]
        scalar = {i for i, _ in self.scalar_outputs}
        self.array_outputs = [i for i in range(len(self.out_types)) if i not in scalar]
        self.source = self.small_source + "\n\n" + self.chunk_source
        namespace = dict(consts.env)
        exec(compile(self.source, "<fused %s>" % _label(region), "exec"), namespace)
        self._small = namespace["small"]
        self._chunk = namespace["chunk"]
        # Up to one chunk, calls without `out=` run the straight-line code: a plan calls
        # it directly (runtime.plan.direct_kernel).
        self.direct = self._small if self.size <= CHUNK else None

    def __call__(self, *arrays: np.ndarray, out: Optional[Sequence[np.ndarray]] = None,
                 add: Optional[Sequence[bool]] = None):
        n = self.size
        if n <= CHUNK:  # straight-line code; a donated buffer saves nothing this small
            return self._small(*arrays)
        added = frozenset(i for i, flag in enumerate(add) if flag) if add else frozenset()
        chunk, scratch_dtypes = self._variant(added)
        flat_in = [a.reshape(-1) for a in arrays]
        outs: List[Any] = list(out) if out is not None else [None] * len(self.out_types)
        flat_out: List[Any] = [None] * len(outs)
        for i in self.array_outputs:
            if outs[i] is None:
                t = self.out_types[i]
                outs[i] = np.empty(t.shape, t.dtype)
            flat_out[i] = outs[i].reshape(-1)
        size = CHUNK
        partials: List[Any] = [None] * (-(-n // size))  # per chunk: its reductions' sums
        chunks = itertools.count()  # shared by the threads: next() is atomic under the GIL
        work = (chunk, scratch_dtypes, chunks, size, n, flat_in, flat_out, partials)
        if n >= THREAD_MIN and THREADS > 1:
            job = _pool().submit(self._run, *work)
            try:
                self._run(*work)
            finally:
                job.result()  # never leave the other thread writing
        else:
            self._run(*work)
        scalars: Dict[Value, np.ndarray] = {}
        for j, (op, v) in enumerate(self.accumulators):
            total = np.float64(0.0)
            for sums in partials:  # in chunk order: the same result however chunks ran
                total += sums[j]
            if op == "mean":
                total /= n
            scalars[v] = np.full(v.type.shape, total, v.type.dtype)
        for node, kernel in zip(self.tail, self._tail_kernels):
            t = node.outputs[0].type
            r = kernel(*[scalars[v] for v in node.inputs])
            scalars[node.outputs[0]] = np.asarray(r, dtype=t.dtype).reshape(t.shape)
        for i, v in self.scalar_outputs:
            if i in added:
                outs[i] += scalars[v]
            elif outs[i] is not None:
                outs[i][...] = scalars[v]
            else:
                outs[i] = scalars[v].copy()  # (one value may be several outputs)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _variant(self, added: frozenset) -> Tuple[Callable, List[str]]:
        """The chunk function (and its scratch dtypes) adding outputs `added` to their
        buffers instead of writing them; generated on first use."""
        if not added:
            return self._chunk, self.scratch_dtypes
        found = self._adding.get(added)
        if found is None:
            consts = _Consts()
            source, dtypes = _chunk_source(self._code, consts, self.size, added)[:2]
            namespace = dict(consts.env)
            exec(compile(source, "<fused %s, adding>" % _label(self.region), "exec"),
                 namespace)
            found = self._adding[added] = (namespace["chunk"], dtypes)
        return found

    def _run(self, chunk: Callable, scratch_dtypes: List[str], chunks, size: int, n: int,
             flat_in, flat_out, partials: List[Any]) -> None:
        """Run chunks taken from the shared counter `chunks` until none is left, so a
        thread that starts late or runs slowly simply takes fewer of them."""
        scratch = [np.empty(min(size, n), d) for d in scratch_dtypes]
        n_acc = len(self.accumulators)
        for k in chunks:
            lo = k * size
            if lo >= n:
                break
            sums = [None] * n_acc
            chunk(lo, min(lo + size, n), flat_in, flat_out, scratch, sums)
            partials[k] = sums


def _iteration_size(region: Graph) -> int:
    """Elements one index walks: the size of the region's element-wise values."""
    sizes = [v.type.size for v in region.inputs]
    sizes += [v.type.size for n in region.nodes for v in n.outputs]
    return max(sizes) if sizes else 0


def _canonical(region: Graph) -> Graph:
    """The region with each value computed once, for code generation: `x ** 2` is
    `square(x)`, `x ** 3` is `square(x) * x` (as the eager kernel computes both), and
    nodes applying the same operator with the same attributes to the same values are
    merged (a backward recomputing forward values often repeats a product). A node whose
    value the region returns is kept where it is: the memory plan may let that output
    overwrite an input, checked against the region's order of writes."""
    returned = set(region.outputs)
    alias: Dict[Value, Value] = {}
    seen: Dict[tuple, Value] = {}
    nodes: List[Node] = []

    def emit(op: str, inputs: Sequence[Value], attrs: Dict[str, Any], out: Value) -> Value:
        key: tuple = (op, attrs_key(attrs), tuple(inputs))
        if _reduction(op):
            key = (id(out),)  # each reduction keeps its own accumulator
        found = seen.get(key)
        if found is not None and out not in returned:
            return found
        seen.setdefault(key, out)
        nodes.append(Node(op, tuple(inputs), (out,), attrs))
        return out

    for node in region.nodes:
        ins = [alias.get(v, v) for v in node.inputs]
        out = node.outputs[0]
        power = node.attrs.get("scalar") if node.op == "_power_scalar" else None
        if power == 2.0:
            alias[out] = emit("square", ins, {}, out)
        elif power == 3.0:
            square = emit("square", ins, {}, Value(out.type))
            alias[out] = emit("elemwise_mul", [square, ins[0]], {}, out)
        else:
            alias[out] = emit(node.op, ins, node.attrs, out)
    outputs = [alias.get(v, v) for v in region.outputs]
    return Graph(region.name, region.inputs, nodes, outputs, dict(region.meta))


def _label(region: Graph) -> str:
    return "+".join(n.op for n in region.nodes[:4]) + ("+..." if len(region.nodes) > 4 else "")


def _small_source(region: Graph, consts: _Consts) -> str:
    names: Dict[Value, str] = {}
    params = []
    for i, v in enumerate(region.inputs):
        names[v] = "x%d" % i
        params.append(names[v])
    lines = ["def small(%s):" % ", ".join(params)]
    for k, node in enumerate(region.nodes):
        if REGISTRY.get(node.op).fuse is None:  # a reduction or a reshape: eager kernel
            expr = "%s(%s)" % (consts.bind(_eager(node)),
                               ", ".join(names[v] for v in node.inputs))
        else:
            expr = _expr(node, [names[v] for v in node.inputs], consts)
        if expr == names[node.inputs[0]] if node.inputs else False:
            names[node.outputs[0]] = expr
            continue
        names[node.outputs[0]] = "t%d" % k
        lines.append("    t%d = %s" % (k, expr))
    outs = [names[v] for v in region.outputs]
    # An output that is an input (a `_copy` region) must not alias the caller's array.
    outs = ["%s.copy()" % o if o.startswith("x") else o for o in outs]
    lines.append("    return %s" % (outs[0] if len(outs) == 1 else "(%s,)" % ", ".join(outs)))
    return "\n".join(lines)


def _eager(node: Node) -> Callable:
    """The node's eager kernel with its attributes bound (what an eager call computes)."""
    return functools.partial(REGISTRY.get(node.op).kernel, **node.attrs)


def _scalar_phase(region: Graph) -> Set[Value]:
    """Values computed after the chunk loop: results of reductions, and of nodes all of
    whose inputs are such values (a scalar tail: reshapes, `loss / n`, ...)."""
    scalars: Set[Value] = set()
    for node in region.nodes:
        if _reduction(node.op) or (node.inputs and all(v in scalars for v in node.inputs)):
            scalars.add(node.outputs[0])
    return scalars


def _chunk_source(region: Graph, consts: _Consts, size: int, added: frozenset = frozenset()):
    """The chunk function; the dtypes of the scratch buffers it needs; per accumulator
    `A[j]`, its reduction op and value; the scalar tail (nodes computed once, after the
    chunks, by their eager kernels); and the outputs it makes as (position, value).
    Outputs at the positions in `added` are added to their buffers."""
    last_use: Dict[Value, int] = {}
    for k, node in enumerate(region.nodes):
        for v in node.inputs:
            last_use[v] = k
    out_index = {v: i for i, v in enumerate(region.outputs)}
    scalars = _scalar_phase(region)
    where: Dict[Value, str] = {}
    head = ["def chunk(lo, hi, I, O, S, A):", "    m = hi - lo"]
    for i, v in enumerate(region.inputs):
        where[v] = "i%d" % i
        head.append("    i%d = I[%d][lo:hi]" % (i, i))
    for v, i in out_index.items():
        if v not in scalars:
            head.append("    o%d = O[%d][lo:hi]" % (i, i))
    body: List[str] = []
    scratch_dtypes: List[str] = []
    accumulators: List[Tuple[str, Value]] = []
    tail: List[Node] = []
    free: Dict[str, List[int]] = {}
    owner: Dict[Value, int] = {}
    for k, node in enumerate(region.nodes):
        out = node.outputs[0]
        reduction = _reduction(node.op)
        if out in scalars and not reduction:
            tail.append(node)
            continue
        if any(v in scalars for v in node.inputs):
            raise ExecutionError("fused kernel: %s reads the result of a reduction of its "
                                 "region together with per-element values" % node.op)
        args = [where[v] for v in node.inputs]
        dying = {v: None for v in node.inputs if last_use.get(v) == k and v in owner}
        for v in dying:  # in-place: an element-wise op may write over an input it ends
            free.setdefault(v.type.dtype, []).append(owner.pop(v))
        if reduction:
            if node.inputs[0].type.size != size or out.type.size != 1:
                raise ExecutionError("fused kernel: %s of %s to %s is not a full reduction of "
                                     "the region's %d elements"
                                     % (node.op, node.inputs[0].type, out.type, size))
            body.append("    A[%d] = np.add.reduce(%s)" % (len(accumulators), args[0]))
            accumulators.append((reduction, out))
            continue
        if out in out_index and out_index[out] not in added:
            dest = "o%d" % out_index[out]
        else:
            pool = free.setdefault(out.type.dtype, [])
            if pool:
                slot = pool.pop()
            else:
                slot = len(scratch_dtypes)
                scratch_dtypes.append(out.type.dtype)
            owner[out] = slot
            dest = "s%d" % slot
        stmts = _ufunc_call(node, args, dest, consts)
        if stmts is None:
            stmts = ["np.copyto(%s, %s, casting='unsafe')" % (dest, _expr(node, args, consts))]
        body.extend("    " + s for s in stmts)
        where[out] = dest
        if out in out_index and out_index[out] in added:
            body.append("    np.add(o%d, %s, out=o%d)" % (out_index[out], dest, out_index[out]))
    for v, i in out_index.items():
        if v in scalars or where[v] == "o%d" % i:
            continue
        if i in added:
            if v in region.inputs:
                body.append("    np.add(o%d, %s, out=o%d)" % (i, where[v], i))
        else:  # an output that is a region input
            body.append("    o%d[...] = %s" % (i, where[v]))
    head.extend("    s%d = S[%d][:m]" % (k, k) for k in range(len(scratch_dtypes)))
    scalar_outputs = [(i, v) for v, i in out_index.items() if v in scalars]
    return "\n".join(head + body), scratch_dtypes, accumulators, tail, scalar_outputs


def fused_source(node: Node) -> str:
    """The generated Python source of a fused node (both the small and chunked forms)."""
    return FusedKernel(node).source
