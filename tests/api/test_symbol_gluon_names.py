"""Public names of mx.sym, Gluon, initializer, optimizer and lr_scheduler modules, as
MXNet 1.9.1's dir() lists them (tests/data/mxnet/api_names_symbol_gluon.json, captured
by capture_names_symbol_gluon.py under the oracle). Each module must have them all but
the names listed here, each group with the reason it is missing."""
import importlib
import json
import os

import pytest

HERE = os.path.dirname(__file__)
with open(os.path.join(HERE, "..", "data", "mxnet", "api_names_symbol_gluon.json")) as f:
    NAMES = {k: v for k, v in json.load(f).items() if isinstance(v, list)}

# MXNet's own imports re-exported by accident (helpers, typing, other modules).
INCIDENTAL = {"is_np_array", "is_np_shape", "numeric_types", "string_types", "np", "ndarray",
              "NDArray", "random", "registry", "sqrt", "requests", "sys", "uuid",
              "replace_file", "image", "OrderedDict", "defaultdict", "copy", "json",
              "threading", "cpu", "mx_real_t", "initializer", "symbol", "Symbol",
              "load_json", "np_array", "np_shape", "np_symbol", "KVStore", "ParameterDict",
              "DeferredInitializationError", "SymbolBlock", "NDabs", "basic_layers"}
NOT_YET = {  # mx.sym names tapegraph does not build yet
    "mxnet.symbol": {
        # value-dependent gathers (nd runs them with host reads), no graph form yet
        "ROIPooling", "GridGenerator", "Correlation",
        # optimizer update kernels and AMP/sparse plumbing (mx.optimizer runs the updates)
        "adam_update", "ftml_update", "ftrl_update", "lamb_update_phase1",
        "lamb_update_phase2", "mp_lamb_update_phase1", "mp_lamb_update_phase2",
        "mp_nag_mom_update", "mp_sgd_mom_update", "mp_sgd_update", "multi_all_finite",
        "multi_lars", "multi_mp_sgd_mom_update", "multi_mp_sgd_update",
        "multi_sgd_mom_update", "multi_sgd_update", "multi_sum_sq", "nag_mom_update",
        "preloaded_multi_mp_sgd_mom_update", "preloaded_multi_mp_sgd_update",
        "preloaded_multi_sgd_mom_update", "preloaded_multi_sgd_update", "rmsprop_update",
        "rmspropalex_update", "sgd_mom_update", "sgd_update", "signsgd_update",
        "signum_update", "all_finite", "amp_cast", "amp_multicast", "cast_storage",
        "reset_arrays",
        # deprecated or internal operators and generated-module names
        "BatchNorm_v1", "Convolution_v1", "Pooling_v1", "IdentityAttachKLSparseReg",
        "choose_element_0index", "gen__internal", "gen_contrib", "gen_image", "gen_linalg",
        "gen_op", "gen_sparse", "op", "register", "sparse", "np", "npx",
        "numpy", "numpy_extension", "symbol",
        # mx.nd compositions without a symbol mapping yet
        "CTCLoss", "ctc_loss", "random_pdf_dirichlet",
        "random_pdf_exponential", "random_pdf_gamma",
        "random_pdf_generalized_negative_binomial", "random_pdf_negative_binomial",
        "random_pdf_normal", "random_pdf_poisson", "random_pdf_uniform",
        "ravel_multi_index", "unravel_index"},
}


# (mx.sym.contrib: only the operators frontend/symbol/contrib.py lists, see its docstring)
@pytest.mark.parametrize("module", sorted(m for m in NAMES if m != "mxnet.symbol.contrib"))
def test_module_has_mxnets_public_names(module):
    mod = importlib.import_module(module.replace("mxnet", "tapegraph", 1))
    allowed = INCIDENTAL | NOT_YET.get(module, set())
    missing = [n for n in NAMES[module] if n not in allowed and not hasattr(mod, n)]
    assert not missing, missing


def test_replace_file_moves_and_names_both_paths_on_failure(tmp_path):
    from tapegraph.gluon.utils import replace_file
    src, dst = tmp_path / "a.tmp", tmp_path / "b"
    src.write_text("x")
    replace_file(str(src), str(dst))
    assert dst.read_text() == "x" and not src.exists()
    src.write_text("y")
    with pytest.raises(OSError, match="a.tmp.*missing_dir"):
        replace_file(str(src), str(tmp_path / "missing_dir" / "b"))
    assert not src.exists()  # MXNet's helper removes the temporary file
