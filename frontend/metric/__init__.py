"""`mx.metric`: evaluation metrics with MXNet 1.9.1's statistics (`update`, `get`,
`get_global`, `reset`, `create('acc')` ...)."""
from .base import (CompositeEvalMetric, CustomMetric, EvalMetric, alias,  # noqa: F401
                   check_label_shapes, create, np, register)
from .classification import F1, MCC, PCC, Accuracy, TopKAccuracy  # noqa: F401
from .regression import (MAE, MSE, RMSE, Caffe, CrossEntropy, Loss,  # noqa: F401
                         NegativeLogLikelihood, PearsonCorrelation, Perplexity, Torch)
