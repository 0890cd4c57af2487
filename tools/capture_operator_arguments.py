"""Capture `mx.operator.get_operator_arguments` of MXNet 1.9.1 for the operators tapegraph
answers it for (the optimizer update operators, Custom, and a few IR operators), and the
error for names that are not operators.

    /tmp/mxnet-oracle/bin/python tools/capture_operator_arguments.py \
        > tests/data/mxnet/operator_arguments.json
"""
import json
import sys
import warnings

import mxnet as mx

warnings.simplefilter("ignore")
OPS = ("sgd_update sgd_mom_update mp_sgd_update mp_sgd_mom_update nag_mom_update "
       "mp_nag_mom_update signsgd_update signum_update adam_update rmsprop_update "
       "rmspropalex_update ftrl_update ftml_update lamb_update_phase1 lamb_update_phase2 "
       "mp_lamb_update_phase1 mp_lamb_update_phase2 _contrib_group_adagrad_update "
       "multi_sgd_update multi_sgd_mom_update multi_mp_sgd_update multi_mp_sgd_mom_update "
       "preloaded_multi_sgd_update preloaded_multi_sgd_mom_update "
       "preloaded_multi_mp_sgd_update preloaded_multi_mp_sgd_mom_update all_finite "
       "multi_all_finite multi_sum_sq multi_lars reset_arrays _adamw_update _mp_adamw_update "
       "_multi_adamw_update _multi_mp_adamw_update _multi_lamb_update _multi_mp_lamb_update "
       "Custom Activation FullyConnected relu dot").split()


def main():
    out = {"mxnet": mx.__version__, "operators": {}, "errors": {}}
    for op in OPS:
        a = mx.operator.get_operator_arguments(op)
        out["operators"][op] = [a.narg, a.names, a.types, type(a).__name__, list(a._fields)]
    for name in ("no_such_operator",):
        try:
            mx.operator.get_operator_arguments(name)
        except mx.base.MXNetError as e:
            out["errors"][name] = str(e).strip().splitlines()[-1]
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
