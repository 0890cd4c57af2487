"""`mx.profiler`: MXNet's profiler for tapegraph's recorded operators and plan runs.

    mx.profiler.set_config(profile_all=True, aggregate_stats=True, filename="prof.json")
    mx.profiler.set_state("run")
    ...                                   # operators run, backward plans run
    mx.profiler.set_state("stop")
    print(mx.profiler.dumps())            # per-operator count and total/min/max/avg time
    mx.profiler.dump()                    # chrome://tracing JSON in `filename`

While running, every operator call (`invoke`: eager and recorded) is timed under the
category "operator", and every backward plan run under "autograd" (`backward`), with each
of its steps interpreted and timed as an "operator" too (named by its IR operator). User
`Domain`s group `Task`, `Frame`, `Counter` and `Marker` events; `Event`s stand alone.
When the profiler is stopped or paused no hook is installed: the recording path pays one
global check (`tapegraph.trace.invoke.OBSERVER`, `tapegraph.autodiff.engine.PLAN_OBSERVER`).
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import threading
import time
import weakref
from typing import Any, Dict, List, Optional

from .autodiff import engine as _engine
from .base import MXNetError
from .runtime import Plan
from .trace import invoke as _invoke

__all__ = ["set_config", "set_state", "start", "stop", "pause", "resume", "dump", "dumps",
           "dump_profile", "profiler_set_config", "profiler_set_state", "scope", "Domain",
           "Task", "Frame", "Event", "Counter", "Marker", "set_kvstore_handle"]

_BOOLS = ("profile_all", "profile_symbolic", "profile_imperative", "profile_memory",
          "profile_api", "continuous_dump", "aggregate_stats")
_DEFAULTS = {"filename": "profile.json", "profile_all": False, "profile_symbolic": True,
             "profile_imperative": True, "profile_memory": True, "profile_api": True,
             "continuous_dump": False, "dump_period": 1.0, "aggregate_stats": False,
             "profile_process": "worker"}
_SORT = {"total": 1, "avg": 4, "min": 2, "max": 3, "count": 0}
_LOCK = threading.Lock()


class _Profiler:
    """The process's profiler: its configuration, state, statistics and trace events."""

    def __init__(self) -> None:
        self.config: Dict[str, Any] = dict(_DEFAULTS)
        self.running = False
        self.paused = False
        self.stats: Dict[str, Dict[str, List[float]]] = {}  # category -> name -> stat
        self.events: List[dict] = []
        self.local = threading.local()
        self.timed_steps: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self.last_dump = 0.0

    def install(self) -> None:
        on = self.running and not self.paused
        cfg = self.config
        _invoke.OBSERVER = _timed_invoke if on and (cfg["profile_all"] or
                                                    cfg["profile_imperative"]) else None
        _engine.PLAN_OBSERVER = _timed_plan if on and (
            cfg["profile_all"] or cfg["profile_symbolic"] or cfg["profile_imperative"]) else None

    def add(self, category: str, name: str, start_ns: int, end_ns: int) -> None:
        """One finished duration: into the statistics and the trace."""
        prefix = getattr(self.local, "scope", "")
        if prefix:
            name = prefix + name
        ms = (end_ns - start_ns) / 1e6
        tid = threading.get_ident()
        with _LOCK:
            if self.config["aggregate_stats"]:
                st = self.stats.setdefault(category, {}).get(name)
                if st is None:
                    self.stats[category][name] = [1, ms, ms, ms]
                else:
                    st[0] += 1
                    st[1] += ms
                    st[2] = min(st[2], ms)
                    st[3] = max(st[3], ms)
            self.events.append({"name": name, "cat": category, "ph": "B",
                                "ts": start_ns / 1e3, "pid": 0, "tid": tid})
            self.events.append({"name": name, "cat": category, "ph": "E",
                                "ts": end_ns / 1e3, "pid": 0, "tid": tid})
        if self.config["continuous_dump"] and \
                end_ns / 1e9 - self.last_dump >= float(self.config["dump_period"]):
            self.last_dump = end_ns / 1e9
            _write_trace(False)

    def instant(self, event: dict) -> None:
        if self.running and not self.paused:
            event.setdefault("ts", time.perf_counter_ns() / 1e3)
            event.setdefault("pid", 0)
            event.setdefault("tid", threading.get_ident())
            with _LOCK:
                self.events.append(event)


PROFILER = _Profiler()


def _timed_invoke(invoke, opdef, inputs, attrs, out_cls):
    t0 = time.perf_counter_ns()
    try:
        return invoke(opdef, inputs, attrs, out_cls, True)
    finally:
        PROFILER.add("operator", opdef.name, t0, time.perf_counter_ns())


class _TimedKernel:
    """A plan step's kernel timed as one operator (attributes read through)."""

    def __init__(self, fn, name: str):
        self.fn, self.name = fn, name

    def __getattr__(self, attr):
        return getattr(self.fn, attr)

    def __call__(self, *args, **kwargs):
        t0 = time.perf_counter_ns()
        try:
            return self.fn(*args, **kwargs)
        finally:
            PROFILER.add("operator", self.name, t0, time.perf_counter_ns())


def _timed_plan(plan, inputs, into):
    t0 = time.perf_counter_ns()
    try:
        if type(plan) is not Plan:  # a recorded region (create_graph): timed as one run
            return plan.run(inputs) if into is None else plan.run(inputs, *into)
        timed = PROFILER.timed_steps.get(plan)
        if timed is None:
            timed = copy.copy(plan)
            timed.steps = [(_TimedKernel(fn, plan.graph.nodes[k].op), ins, outs, frees, k,
                            donate) for fn, ins, outs, frees, k, donate in plan.steps]
            PROFILER.timed_steps[plan] = timed
        return timed._interpret(inputs) if into is None else timed._interpret(inputs, *into)
    finally:
        PROFILER.add("autograd", "backward", t0, time.perf_counter_ns())


# ---------------------------------------------------------------- configuration and state


def set_config(**kwargs) -> None:
    """Configure the profiler: filename, profile_all, profile_symbolic, profile_imperative,
    profile_memory, profile_api, continuous_dump, dump_period, aggregate_stats,
    profile_process (MXNet's keywords; memory and C API profiling record nothing here:
    tapegraph has no device allocator and no C API)."""
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise MXNetError("profiler.set_config: unknown parameter %r (known: %s)"
                             % (key, ", ".join(sorted(_DEFAULTS))))
        if key in _BOOLS:
            value = value if isinstance(value, bool) else str(value).lower() in ("1", "true")
        PROFILER.config[key] = value
    PROFILER.install()


def profiler_set_config(mode: str = "symbolic", filename: str = "profile.json") -> None:
    """Deprecated MXNet spelling of set_config(profile_<mode>=True, filename=...)."""
    set_config(**{"profile_" + mode: True, "filename": filename})


def set_state(state: str = "stop", profile_process: str = "worker") -> None:
    """'run' starts the profiler, 'stop' stops it."""
    if state not in ("run", "stop"):
        raise MXNetError("profiler.set_state: state must be 'run' or 'stop', got %r" % (state,))
    PROFILER.running = state == "run"
    PROFILER.paused = False
    PROFILER.install()


profiler_set_state = set_state


def start(profile_process: str = "worker") -> None:
    """set_state('run')."""
    set_state("run", profile_process)


def stop(profile_process: str = "worker") -> None:
    """set_state('stop')."""
    set_state("stop", profile_process)


def pause(profile_process: str = "worker") -> None:
    """Stop timing until `resume()` (the profiler stays in its 'run' state)."""
    PROFILER.paused = True
    PROFILER.install()


def resume(profile_process: str = "worker") -> None:
    """Resume timing after `pause()`."""
    PROFILER.paused = False
    PROFILER.install()


def set_kvstore_handle(handle) -> None:
    """Distributed kvstore servers are not supported: only the worker is profiled."""
    raise NotImplementedError("profiling a distributed kvstore server is not supported: "
                              "tapegraph has only a local kvstore")


@contextlib.contextmanager
def scope(name: str = "<unk>:", append_mode: bool = True):
    """Names of the operators timed in this block are prefixed with `name` (nested scopes
    append to the enclosing prefix when `append_mode`)."""
    local = PROFILER.local
    previous = getattr(local, "scope", "")
    local.scope = (previous + name) if append_mode else name
    try:
        yield
    finally:
        local.scope = previous


# ---------------------------------------------------------------- output


def _write_trace(finished: bool) -> None:
    meta = [{"ph": "M", "args": {"name": "cpu/0"}, "pid": 0, "name": "process_name"}]
    with _LOCK:
        events = list(PROFILER.events)
        if finished:
            PROFILER.events.clear()
    path = os.fspath(PROFILER.config["filename"])
    with open(path, "w") as fh:
        json.dump({"traceEvents": meta + events, "displayTimeUnit": "ms"}, fh, indent=4)


def dump(finished: bool = True, profile_process: str = "worker") -> None:
    """Write the trace (chrome://tracing JSON, as MXNet's) to the configured filename;
    `finished` also stops the profiler and clears the written events. With
    set_config(continuous_dump=True) the file is also rewritten every `dump_period`
    seconds while operators are timed."""
    _write_trace(finished)
    if finished:
        set_state("stop")


def dump_profile() -> None:
    """Deprecated spelling of dump()."""
    dump(True)


_HEADER = ("Name                          Total Count        Time (ms)    Min Time (ms)    "
           "Max Time (ms)    Avg Time (ms)")
_RULE = ("----                          -----------        ---------    -------------    "
         "-------------    -------------")


def _rows(sort_by: str, ascending: bool):
    """category -> [(name, count, total, min, max, avg)] sorted as asked."""
    out = {}
    for category, entries in PROFILER.stats.items():
        rows = [(name, st[0], st[1], st[2], st[3], st[1] / st[0]) for name, st in entries.items()]
        k = _SORT[sort_by] + 1
        rows.sort(key=lambda r: r[k], reverse=not ascending)
        out[category] = rows
    return out


def dumps(reset: bool = False, format: str = "table", sort_by: str = "total",
          ascending: bool = False) -> str:
    """The aggregate statistics (set_config(aggregate_stats=True)) per category and name:
    count and total/min/max/avg time in ms, as MXNet's table or JSON; `reset` clears them."""
    if format not in ("table", "json"):
        raise MXNetError("Invalid value provided for format: %r. Support: 'table', 'json'"
                         % (format,))
    if sort_by not in _SORT:
        raise MXNetError("Invalid value provided for sort_by: %r. Support: 'total', 'avg', "
                         "'min', 'max', 'count'" % (sort_by,))
    with _LOCK:
        rows = _rows(sort_by, bool(ascending))
        if reset:
            PROFILER.stats.clear()
    if format == "json":
        return json.dumps({"Time": {cat: {r[0]: {"Count": r[1], "Total": round(r[2], 4),
                                                 "Min": round(r[3], 4), "Max": round(r[4], 4),
                                                 "Avg": round(r[5], 4)} for r in rs}
                                    for cat, rs in rows.items()},
                           "Memory": {}, "Unit": {"Time": "ms", "Memory": "kB"}}, indent=4)
    lines = ["", "Profile Statistics:", "\tNote the difference in units for different entries."]
    for category, rs in rows.items():
        lines += [category, "=================", _HEADER, _RULE]
        lines += ["%-25s%16d    %13.4f    %13.4f    %13.4f    %13.4f" % r for r in rs]
        lines.append("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- user objects


class Domain:
    """A category grouping Tasks, Frames, Counters and Markers (named in the trace and in
    the statistics)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name

    def new_task(self, name: str) -> "Task":
        return Task(self, name)

    def new_frame(self, name: str) -> "Frame":
        return Frame(self, name)

    def new_counter(self, name: str, value: Optional[int] = None) -> "Counter":
        return Counter(self, name, value)

    def new_marker(self, name: str) -> "Marker":
        return Marker(self, name)


class _Duration:
    _category = "event"

    def __init__(self, domain: Optional[Domain], name: str):
        self.name = name
        self.domain = domain
        self._start: Optional[int] = None

    def start(self) -> None:
        """Start timing."""
        self._start = time.perf_counter_ns()

    def stop(self) -> None:
        """Stop timing: the duration is recorded if the profiler is running."""
        if self._start is None:
            raise MXNetError("%s %r: stop() without start()" % (type(self).__name__, self.name))
        t0, self._start = self._start, None
        if PROFILER.running and not PROFILER.paused:
            category = str(self.domain) if self.domain is not None else self._category
            PROFILER.add(category, self.name, t0, time.perf_counter_ns())

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __str__(self) -> str:
        return self.name


class Task(_Duration):
    """A timed unit of work of a domain; all its passes add up in one statistic."""


class Frame(_Duration):
    """A timed frame of a domain (each pass a separate event in the trace)."""


class Event(_Duration):
    """A timed event outside any domain."""

    def __init__(self, name: str):
        super().__init__(None, name)


class Counter:
    """A value tracked over time (counter events in the trace)."""

    def __init__(self, domain: Domain, name: str, value: Optional[int] = None):
        self.domain, self.name, self.value = domain, name, 0
        if value is not None:
            self.set_value(value)

    def set_value(self, value: int) -> None:
        self.value = int(value)
        PROFILER.instant({"name": self.name, "cat": str(self.domain), "ph": "C",
                          "args": {self.name: self.value}})

    def increment(self, delta: int = 1) -> None:
        self.set_value(self.value + int(delta))

    def decrement(self, delta: int = 1) -> None:
        self.set_value(self.value - int(delta))

    def __iadd__(self, delta: int) -> "Counter":
        self.increment(delta)
        return self

    def __isub__(self, delta: int) -> "Counter":
        self.decrement(delta)
        return self

    def __str__(self) -> str:
        return self.name


class Marker:
    """An instant in time, marked in the trace."""

    _SCOPES = {"global": "g", "process": "p", "thread": "t", "task": "t", "marker": "t"}

    def __init__(self, domain: Domain, name: str):
        self.domain, self.name = domain, name

    def mark(self, scope: str = "process") -> None:
        if scope not in self._SCOPES:
            raise MXNetError("Marker.mark: scope must be one of %s, got %r"
                             % (", ".join(self._SCOPES), scope))
        PROFILER.instant({"name": self.name, "cat": str(self.domain), "ph": "i",
                          "s": self._SCOPES[scope]})
