"""`mx.log`: loggers with MXNet's coloured one-line format.

    logger = mx.log.get_logger("train", level=mx.log.INFO)
    logger.info("epoch %d", 1)   # I0505 00:29:47 3525 train.py:<module>:3] epoch 1
"""
from __future__ import annotations

import logging
import warnings
from typing import Optional

__all__ = ["CRITICAL", "DEBUG", "ERROR", "INFO", "NOTSET", "WARNING", "getLogger",
           "get_logger"]

CRITICAL = logging.CRITICAL
ERROR = logging.ERROR
WARNING = logging.WARNING
INFO = logging.INFO
DEBUG = logging.DEBUG
NOTSET = logging.NOTSET

_LABELS = {CRITICAL: "C", ERROR: "E", WARNING: "W", INFO: "I", DEBUG: "D"}


class _Formatter(logging.Formatter):
    """MXNet's format: a coloured level letter, date, process, file:function:line."""

    def __init__(self):
        super().__init__(datefmt="%m%d %H:%M:%S")

    @staticmethod
    def _get_color(level: int) -> str:
        if level >= logging.WARNING:
            return "\x1b[31m"
        if level >= logging.INFO:
            return "\x1b[32m"
        return "\x1b[34m"

    @staticmethod
    def _get_label(level: int) -> str:
        return _LABELS.get(level, "U")

    def format(self, record: logging.LogRecord) -> str:
        fmt = self._get_color(record.levelno) + self._get_label(record.levelno)
        fmt += "%(asctime)s %(process)d %(pathname)s:%(funcName)s:%(lineno)d]\x1b[0m %(message)s"
        self._style._fmt = fmt
        return super().format(record)


def getLogger(name: Optional[str] = None, filename: Optional[str] = None,
              filemode: Optional[str] = None, level: int = WARNING) -> logging.Logger:
    """Deprecated spelling of `get_logger`."""
    warnings.warn("getLogger is deprecated, Use get_logger instead.",
                  DeprecationWarning, stacklevel=2)
    return get_logger(name, filename, filemode, level)


def get_logger(name: Optional[str] = None, filename: Optional[str] = None,
               filemode: Optional[str] = None, level: int = WARNING) -> logging.Logger:
    """The logger `name`, set up once: a handler writing to `filename` (opened with
    `filemode`, default 'a') or to stderr with MXNet's coloured format, and `level`.
    The root logger (`name=None`) is returned as it is."""
    logger = logging.getLogger(name)
    if name is not None and not getattr(logger, "_init_done", None):
        logger._init_done = True
        if filename:
            handler: logging.Handler = logging.FileHandler(filename, filemode or "a")
        else:
            handler = logging.StreamHandler()
            handler.setFormatter(_Formatter())  # colour codes: for terminals only
        logger.addHandler(handler)
        logger.setLevel(level)
    return logger
