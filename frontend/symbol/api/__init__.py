"""The Symbol API: `Symbol` (`symbol`) and `mx.sym.<Operator>` functions (`op_functions`)."""
