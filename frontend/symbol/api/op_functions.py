"""`mx.sym.<Operator>(...)`: build symbol nodes by MXNet operator name.

`mx.sym.FullyConnected(data, num_hidden=8, name="fc1")` creates the missing parameter
variables (`fc1_weight`, `fc1_bias`) as MXNet does; inputs may be given by position or
by MXNet's argument names; attributes are written as MXNet writes them.
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from ...ir import MXNetError
from ..graph.dag import SymNode
from ..graph.mxjson import attr_text
from ..graph.mxnet_ops import ARG_NAMES, lookup
from .attrs import scoped_operator_attrs
from .symbol import Symbol, var
from .symbol import node_name as new_node_name

PARAMETERS = {"FullyConnected": ("weight", "bias"), "Convolution": ("weight", "bias"),
              "BatchNorm": ("gamma", "beta", "moving_mean", "moving_var"),
              "_contrib_BatchNormWithReLU": ("gamma", "beta", "moving_mean", "moving_var"),
              "Embedding": ("weight",), "SoftmaxOutput": ("label",),
              "LinearRegressionOutput": ("label",), "LogisticRegressionOutput": ("label",),
              "MAERegressionOutput": ("label",),
              "_contrib_DeformableConvolution": ("weight", "bias"),
              "_contrib_ModulatedDeformableConvolution": ("weight", "bias")}

INITS = {"moving_mean": '["zero", {}]', "moving_var": '["one", {}]'}


# Operators taking any number of inputs, whose `num_args` MXNet fills in when not given.
VARIADIC = {"Concat", "add_n", "ElementWiseSum", "stack", "Crop", "khatri_rao"}


# Attributes MXNet's generated functions also take positionally, after the data input.
POSITIONAL_ATTRS = {"clip": ("a_min", "a_max"), "reshape": ("shape",), "Reshape": ("shape",),
                    "transpose": ("axes",), "swapaxes": ("dim1", "dim2"),
                    "SwapAxis": ("dim1", "dim2"), "expand_dims": ("axis",),
                    "slice_axis": ("axis", "begin", "end"), "cast": ("dtype",),
                    "Cast": ("dtype",), "flip": ("axis",), "reverse": ("axis",),
                    "tile": ("reps",), "repeat": ("repeats", "axis"), "one_hot": ("depth",),
                    "split": ("num_outputs", "axis"), "depth_to_space": ("block_size",),
                    "space_to_depth": ("block_size",), "normalize": ("mean", "std")}


# Lower-case spellings of `mx.sym` functions that create a differently named operator.
ALIASES = {"split": "SliceChannel", "reshape": "Reshape", "concat": "Concat",
           "flatten": "Flatten", "Variable": None, "cast": "Cast", "swapaxes": "SwapAxis",
           "flip": "reverse", "pad": "Pad", "broadcast_plus": "broadcast_add",
           "broadcast_minus": "broadcast_sub", "identity": "_copy", "max_axis": "max",
           "min_axis": "min", "sum_axis": "sum", "crop": "slice", "Softmax": "SoftmaxOutput",
           "zeros_like": "zeros_like", "uniform": "_random_uniform",
           "normal": "_random_normal", "broadcast_axes": "broadcast_axis",
           "shuffle": "_shuffle"}
# MXNet's aliases of its sampling operators: `sample_normal` is `_sample_normal`, ...
ALIASES.update(("%s_%s" % (kind, dist), "_%s_%s" % (kind, dist))
               for kind in ("random", "sample")
               for dist in ("uniform", "normal", "exponential", "gamma", "poisson",
                            "negative_binomial", "generalized_negative_binomial"))
ALIASES.update(random_randint="_random_randint", sample_multinomial="_sample_multinomial")
ALIASES.update(("random_pdf_" + dist, "_random_pdf_" + dist) for dist in (
    "normal", "uniform", "gamma", "exponential", "poisson", "negative_binomial",
    "generalized_negative_binomial", "dirichlet"))
ALIASES.update(ravel_multi_index="_ravel_multi_index", unravel_index="_unravel_index",
               ctc_loss="CTCLoss", choose_element_0index="pick", histogram="_histogram")
ALIASES.update({"linalg_" + n: "_linalg_" + n for n in (
    "det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2", "inverse", "makediag",
    "maketrian", "potrf", "potri", "slogdet", "sumlogdiag", "syevd", "syrk", "trmm", "trsm")})


# A function applied to every non-auxiliary input of the next node built (implicit
# parameters included), set by `casting_inputs`: mixed precision's casts, placed as MXNet's
# amp wrapper places them (after the node's name is drawn, before the node is built).
INPUT_CAST: List[Optional[Callable[[Symbol], Symbol]]] = [None]


@contextlib.contextmanager
def casting_inputs(cast: Callable[[Symbol], Symbol]) -> Iterator[None]:
    """`with casting_inputs(cast):` the node an operator function builds reads `cast(s)`
    for each of its non-auxiliary inputs `s`."""
    previous, INPUT_CAST[0] = INPUT_CAST[0], cast
    try:
        yield
    finally:
        INPUT_CAST[0] = previous


def make_op_function(called: str, op: Optional[str] = None):
    """The function `mx.sym.<called>` creating operator `op` (by default `called` or its
    alias; MXNetError at once if tapegraph cannot load it)."""
    op = op or ALIASES.get(called) or called
    mapping = lookup(op)

    def build(*args: Any, name: Optional[str] = None, attr: Optional[Dict[str, str]] = None,
              **kwargs: Any) -> Symbol:
        arg_names = ARG_NAMES.get(op, ())
        inputs: Dict[str, Symbol] = {}
        positional: List[Symbol] = []
        scalars = [a for a in args if not isinstance(a, Symbol)]
        if scalars and called in POSITIONAL_ATTRS and all(
                isinstance(a, Symbol) for a in args[:len(args) - len(scalars)]):
            names = POSITIONAL_ATTRS[called]  # MXNet's signature: data first, then these
            if len(scalars) > len(names):
                raise MXNetError("%s takes at most %d attribute(s) positionally (%s), got %d"
                                 % (called, len(names), ", ".join(names), len(scalars)))
            for key, value in zip(names, scalars):
                if key in kwargs:
                    raise MXNetError("%s got attribute %r twice" % (called, key))
                kwargs[key] = value
            args = args[:len(args) - len(scalars)]
        for a in args:
            if not isinstance(a, Symbol):
                raise MXNetError("%s: positional arguments must be Symbols, got %s"
                                 % (op, type(a).__name__))
            positional.append(a)
        for key in list(kwargs):
            if isinstance(kwargs[key], Symbol):
                inputs[key] = kwargs.pop(key)
        node_name = new_node_name(name, called)
        raw = scoped_operator_attrs({k: attr_text(v) for k, v in kwargs.items()}, attr)
        if arg_names:
            ordered = list(positional) + [None] * (len(arg_names) - len(positional))
            for k, arg in enumerate(arg_names):
                if arg in inputs:
                    ordered[k] = inputs.pop(arg)
            skip = {"bias"} if str(raw.get("no_bias", "False")) == "True" else set()
            for k, arg in enumerate(arg_names):
                if ordered[k] is None and arg in PARAMETERS.get(op, ()) and arg not in skip:
                    # MXNet copies the operator's attributes onto its parameters
                    extra = dict(raw)
                    if arg in INITS:
                        extra["__init__"] = INITS[arg]
                    ordered[k] = var("%s_%s" % (node_name, arg), attr=extra)
            positional = [s for s in ordered if s is not None]
        if inputs:
            positional += list(inputs.values())
        if op in VARIADIC and "num_args" not in raw:  # MXNet counts the inputs itself
            raw["num_args"] = str(len(positional))
        try:
            converted = mapping.convert_attrs(raw)
            mapping.check_arity(len(positional))
        except MXNetError as e:
            raise MXNetError("%s: %s" % (op, e)) from None
        cast = INPUT_CAST[0]
        if cast is not None:  # (amp.init(): every non-auxiliary input, implicit ones too)
            aux = set(mapping.aux_positions(converted))
            INPUT_CAST[0] = None  # (the casts are nodes too)
            try:
                positional = [s if k in aux else cast(s) for k, s in enumerate(positional)]
            finally:
                INPUT_CAST[0] = cast
        entries = [s._single() for s in positional]
        node = SymNode(op, node_name, converted, entries, mapping.num_outputs(converted),
                       raw=raw)
        np_mode = any(s._np_mode for s in positional)
        return Symbol(heads=[(node, i) for i in range(mapping.visible_outputs(converted))],
                      np_mode=np_mode)

    build.__name__ = op
    build.__doc__ = "MXNet operator %s as a Symbol (imports to IR %s)." % (op, mapping.ir_op)
    return build


def prefixed_getattr(module: str, prefix: str, names: Sequence[str]):
    """A module `__getattr__` giving `make_op_function(name, prefix + name)` for each of
    `names` (`mx.sym.linalg.potrf` is `_linalg_potrf`), AttributeError listing them else."""
    def __getattr__(name: str):
        if name in names:
            return make_op_function(name, prefix + name)
        raise AttributeError("module %r has no attribute %r (tapegraph provides %s)"
                             % (module, name, ", ".join(names)))
    return __getattr__
