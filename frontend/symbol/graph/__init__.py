"""What a Symbol is made of: the untyped DAG and its lowering to IR (`dag`), MXNet operator
mappings (`mxnet_ops`, `mxnet_operators`, `param_shapes`), JSON atoms (`mxjson`) and
readable names (`naming`)."""
