"""The `tapegraph` command line: see, transform and export graphs without opening Python.

    tapegraph demo [--out DIR]                 trace an MLP training step; print its forward
                                               IR, the backward IR before and after the passes,
                                               the gradients; write pictures to DIR
    tapegraph show FILE [--backward] [--passes P] [--format text|json|dot|svg|png|pdf] [-o OUT]
    tapegraph opt FILE --passes LIST [--load-pass M.py] [--print-ir-after-all] [--verify]
                  [-o OUT]                     LIST: dce,cse or grad{wrt=[1]},simplify
    tapegraph trace SCRIPT.py [--out DIR] [-- ARGS]   run an MXNet script on tapegraph and
                                               write every graph it differentiates
    tapegraph explore SCRIPT.py|FILE [--passes P] [-o OUT.html] [--serve] [-- ARGS]
                                               one HTML page stepping through the forward
                                               graph, its gradient and every pass

FILE is MXNet symbol JSON (`*-symbol.json`) or tapegraph IR text, `-` for standard input.
Messages go to stderr, results to stdout or `-o`; errors are one line and exit with
status 1.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

FORMATS = ("text", "json", "dot", "svg", "png", "pdf")


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


def info(message: str) -> None:
    print(message, file=sys.stderr)


# ---------------------------------------------------------------- loading and writing


def read_input(path: str) -> str:
    """The text of `path`, or of standard input when `path` is `-`."""
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        raise CliError("cannot read %s: %s" % (path, e.strerror or e)) from None


def load_symbol(path: str, shapes: Optional[dict] = None):
    """A Symbol from MXNet JSON or IR text (chosen by content, not by extension), read
    from `path` or standard input (`-`). Malformed input is reported as a parse error
    naming the file, before any pass runs."""
    import tapegraph as mx
    from tapegraph.ir import MXNetError, parse, verify
    text = read_input(path)
    where = "<stdin>" if path == "-" else path
    if text.lstrip().startswith("{"):
        try:
            sym = mx.sym.load_json(text)
        except MXNetError as e:
            raise CliError("parse error in %s: %s" % (where, e)) from None
        if shapes:
            from tapegraph.symbol.graph.dag import lower
            graph, names = lower(sym._dag(), shapes, name=sym.name or "symbol",
                                 extra_inputs=sym._unused_inputs)
            return mx.sym.Symbol.from_graph(graph, names, np_mode=sym._np_mode)
        return sym
    try:
        graph = verify(parse(text))
    except MXNetError as e:
        raise CliError("parse error in %s: %s" % (where, e)) from None
    return mx.sym.Symbol.from_graph(graph)


def load_pass_files(paths: Optional[List[str]]) -> None:
    """Import each Python file (`--load-pass`), so the passes it registers with
    `tapegraph.passes.register_pass` can be named in `--passes`."""
    import importlib.util
    for i, path in enumerate(paths or []):
        name = "tapegraph_user_passes_%d" % i
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None or not os.path.isfile(path):
            raise CliError("--load-pass %s: not a Python file" % path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as e:
            raise CliError("--load-pass %s failed: %s: %s" % (path, type(e).__name__, e)) from None


def parse_shapes(items: Optional[List[str]]) -> dict:
    """`["data=1,3", "w=4"]` -> {"data": (1, 3), "w": (4,)}."""
    shapes = {}
    for item in items or []:
        name, _, dims = item.partition("=")
        try:
            shapes[name] = tuple(int(d) for d in dims.split(",") if d.strip())
        except ValueError:
            raise CliError("bad --shape %r (expected NAME=D1,D2,...)" % item) from None
    return shapes


def picture(sym, title: str, fmt: str):
    """The forward/backward view of a typed graph; MXNet's look when shapes are unknown."""
    from tapegraph import viz
    from tapegraph.ir import MXNetError
    try:
        sym.graph
    except MXNetError:
        return viz.plot_network(sym, title=title, save_format=fmt,
                                node_attrs={"fixedsize": "false"})
    return viz.plot_graph(sym, title=title, save_format=fmt)


def emit(sym, fmt: str, out: Optional[str], title: str) -> None:
    """Write `sym` in `fmt` to `out` (stdout for text formats when `out` is None)."""
    from tapegraph import viz
    if fmt in ("text", "json", "dot"):
        if fmt == "text":
            text = str(sym) + "\n"
        elif fmt == "json":
            text = sym.tojson() + "\n"
        else:
            text = picture(sym, title, "svg").source
        if out:
            with open(out, "w") as f:
                f.write(text)
            info("wrote %s" % out)
        else:
            sys.stdout.write(text)
        return
    dot = picture(sym, title, fmt)
    if out is None:
        if fmt != "svg":
            raise CliError("--format %s needs -o FILE" % fmt)
        svg = viz.render_svg(dot)
        if svg is None:
            raise CliError("cannot render svg: " + viz.INSTALL_HINT)
        sys.stdout.write(svg)
        return
    try:
        info("wrote %s" % viz.render(dot, out, fmt))
    except viz.GraphvizMissing as e:
        raise CliError(str(e)) from None


def transformed(sym, backward: bool, passes: Optional[str], verify: bool = False,
                print_after: Optional[str] = None):
    """`sym` differentiated (`--backward`) and/or run through a pipeline (`--passes`)."""
    from tapegraph.passes import PassManager
    from tapegraph.symbol import Symbol
    if backward:
        sym = sym.gradient()
    if passes:
        manager = PassManager(passes, verify=verify, print_after=print_after,
                              stream=sys.stderr)
        graph = manager.run(sym.graph)
        labels = sym.output_labels()
        sym = Symbol.from_graph(graph, dict(sym._names), sym._np_mode,
                                labels if len(labels) == len(graph.outputs) else None)
        if print_after:
            info(manager.report())
    return sym


# ---------------------------------------------------------------- commands


def check_pipeline(passes: Optional[str]) -> None:
    """Reject unknown pass names before loading anything."""
    if passes:
        from tapegraph.passes import parse_pipeline
        parse_pipeline(passes)


def cmd_show(args) -> int:
    load_pass_files(args.load_pass)
    check_pipeline(args.passes)
    sym = load_symbol(args.file, parse_shapes(args.shape))
    sym = transformed(sym, args.backward, args.passes)
    emit(sym, args.format, args.output, os.path.basename(args.file))
    return 0


def cmd_opt(args) -> int:
    load_pass_files(args.load_pass)
    check_pipeline(args.passes)
    sym = load_symbol(args.file, parse_shapes(args.shape))
    print_after = "all" if args.print_ir_after_all else (
        "changed" if args.print_ir_after_change else None)
    sym = transformed(sym, args.backward, args.passes, args.verify, print_after)
    if args.verify:
        from tapegraph.ir import verify
        verify(sym.graph)
    emit(sym, "json" if args.emit_json else "text", args.output, os.path.basename(args.file))
    return 0


def cmd_demo(args) -> int:
    from .demo import demo
    return demo(args.out)


def cmd_trace(args) -> int:
    from .trace import trace
    out, script_args = args.out, []
    rest = list(args.args)
    while rest:  # `--out DIR` may follow the script; arguments after `--` are the script's
        token = rest.pop(0)
        if token == "--":
            script_args.extend(rest)
            break
        if token == "--out" and rest:
            out = rest.pop(0)
        elif token.startswith("--out="):
            out = token[len("--out="):]
        else:
            script_args.append(token)
    return trace(args.script, out, script_args)


def cmd_explore(args) -> int:
    from .explore import explore_command
    return explore_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tapegraph", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("demo", help="trace an MLP training step: forward and backward IR, "
                                    "gradients, pictures")
    p.add_argument("--out", default="tapegraph-demo", help="folder for pictures and JSON")
    p.set_defaults(run=cmd_demo)

    def common(p):
        p.add_argument("file", help="MXNet symbol JSON or tapegraph IR text (- for stdin)")
        p.add_argument("--backward", action="store_true",
                       help="differentiate the graph (gradients of its outputs)")
        p.add_argument("--shape", action="append", metavar="NAME=D1,D2",
                       help="input shape for MXNet JSON without __shape__ (repeatable)")
        p.add_argument("-o", "--output", help="write here instead of stdout")
        p.add_argument("--load-pass", action="append", metavar="MODULE.py",
                       help="import a Python file that registers passes (repeatable)")

    p = sub.add_parser("show", help="print, export or draw a graph")
    common(p)
    p.add_argument("--passes", help="pipeline to run first, e.g. dce,cse,fuse")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(run=cmd_show)
    p = sub.add_parser("opt", help="run passes over a graph (like mlir-opt)")
    common(p)
    p.add_argument("--passes", required=True,
                   help="comma-separated pipeline; options in braces: grad{wrt=[1]},dce")
    p.add_argument("--print-ir-after-all", action="store_true")
    p.add_argument("--print-ir-after-change", action="store_true")
    p.add_argument("--verify", action="store_true", help="verify the IR after every pass")
    p.add_argument("--emit-json", action="store_true", help="print MXNet JSON, not IR text")
    p.set_defaults(run=cmd_opt)
    p = sub.add_parser("trace", help="run an MXNet script on tapegraph; write its graphs")
    p.add_argument("script")
    p.add_argument("--out", default="tapegraph-trace", help="folder for the graphs")
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    p.set_defaults(run=cmd_trace)
    from .explore import add_parser as add_explore
    add_explore(sub).set_defaults(run=cmd_explore)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the `tapegraph` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    from tapegraph.ir import MXNetError
    try:
        return args.run(args)
    except (CliError, MXNetError) as e:
        message = " ".join(str(e).split())
        print("tapegraph %s: error: %s" % (args.command, message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
