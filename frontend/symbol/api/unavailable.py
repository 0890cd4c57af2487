"""Stand-ins for the `mx.sym` / `mx.sym.contrib` operators tapegraph cannot build as
symbol nodes, each raising NotImplementedError with the reason (their `mx.nd` forms, where
tapegraph has them, run eagerly)."""
from __future__ import annotations

from typing import Dict

from ...unsupported import SPARSE, not_implemented

VALUE_DEPENDENT = ("the positions or counts it computes depend on its inputs' values "
                   "(tapegraph computes them on the host, tapegraph.trace.host_reads), so it "
                   "has no fixed graph to be a symbol node; mx.nd.%s runs it eagerly")
UPDATE = ("an optimizer update mutates its state inputs in place, which a node of "
          "tapegraph's pure symbol graphs cannot do (MXNet 1.9.1's own mx.sym.%s fails for "
          "most of them: 'Not enough argument to call operator'); use mx.nd.%s or "
          "mx.optimizer")
QUANTIZATION = "quantised (int8) operators need MXNet's C++ quantisation backend"
GPU_ONLY = ("MXNet 1.9.1 implements it on GPUs only (cuFFT; its CPU build has no kernel) and "
            "tapegraph runs on the CPU")
BACKWARD = ("an internal backward operator of MXNet; tapegraph derives every backward from "
            "gradient rules")
LEGACY = "a deprecated MXNet 0.x operator; use its current version"
CONTROL_FLOW = ("symbolic control flow needs a subgraph node, which tapegraph's symbol "
                "graphs do not have; mx.nd.contrib.%s runs it eagerly")

# name -> (reason template, where mx.nd has it: "" for mx.nd, "contrib." for mx.nd.contrib)
SYMBOL: Dict[str, str] = {}
CONTRIB: Dict[str, str] = {}


def _add(table: Dict[str, str], names, why: str, nd_prefix: str = "") -> None:
    for name in names:
        table[name] = why % ((nd_prefix + name,) * why.count("%s")) if "%s" in why else why


_add(SYMBOL, ("adam_update", "ftml_update", "ftrl_update", "lamb_update_phase1",
              "lamb_update_phase2", "mp_lamb_update_phase1", "mp_lamb_update_phase2",
              "mp_nag_mom_update", "mp_sgd_mom_update", "mp_sgd_update", "multi_mp_sgd_mom_update",
              "multi_mp_sgd_update", "multi_sgd_mom_update", "multi_sgd_update",
              "nag_mom_update", "preloaded_multi_mp_sgd_mom_update",
              "preloaded_multi_mp_sgd_update", "preloaded_multi_sgd_mom_update",
              "preloaded_multi_sgd_update", "reset_arrays", "rmsprop_update",
              "rmspropalex_update", "sgd_mom_update", "sgd_update", "signsgd_update",
              "signum_update", "multi_lars", "all_finite", "multi_all_finite",
              "multi_sum_sq"), UPDATE)
_add(SYMBOL, ("BatchNorm_v1", "Convolution_v1", "Pooling_v1"), LEGACY)
_add(SYMBOL, ("cast_storage",), SPARSE)
_add(SYMBOL, ("IdentityAttachKLSparseReg",),
     "a symbol-level regulariser whose moving-average auxiliary state and hand-written "
     "backward tapegraph does not implement")
_add(CONTRIB, ("boolean_mask",), VALUE_DEPENDENT, "contrib.")
_add(CONTRIB, ("adamw_update", "mp_adamw_update", "group_adagrad_update"), UPDATE,
     "contrib.")
_add(CONTRIB, ("foreach", "while_loop", "cond"), CONTROL_FLOW)
_add(CONTRIB, ("calibrate_entropy", "dequantize", "quantize", "quantize_asym", "quantize_v2",
               "quantized_act", "quantized_batch_norm", "quantized_concat", "quantized_conv",
               "quantized_elemwise_add", "quantized_elemwise_mul", "quantized_embedding",
               "quantized_flatten", "quantized_fully_connected", "quantized_pooling",
               "quantized_rnn", "requantize"), QUANTIZATION)
_add(CONTRIB, ("dgl_adjacency", "dgl_csr_neighbor_non_uniform_sample",
               "dgl_csr_neighbor_uniform_sample", "dgl_graph_compact", "dgl_subgraph",
               "edge_id", "getnnz", "SparseEmbedding"),
     "DGL graph and sparse operators work on sparse storage; " + SPARSE)
_add(CONTRIB, ("fft", "ifft"), GPU_ONLY)
_add(CONTRIB, ("backward_gradientmultiplier", "backward_hawkesll", "backward_index_copy",
               "backward_quadratic"), BACKWARD)

STAND_INS = {name: not_implemented("mx.sym.contrib." + name, why)
             for name, why in CONTRIB.items()}
SYMBOL_STAND_INS = {name: not_implemented("mx.sym." + name, why)
                    for name, why in SYMBOL.items()}
