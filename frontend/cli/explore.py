"""`tapegraph explore`: the pass explorer page of a script or a graph file."""
from __future__ import annotations

import argparse
import os
import sys


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("explore", help="one HTML page stepping through the forward graph, "
                                       "its gradient and every pass")
    p.add_argument("source", help="an MXNet script (.py), tapegraph IR text or MXNet JSON")
    _options(p)
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    return p


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passes", help="pipeline (default: the engine's default pipeline)")
    p.add_argument("--forward-only", action="store_true",
                   help="graph files: run the passes on the graph itself, no gradient")
    p.add_argument("--shape", action="append", metavar="NAME=D1,D2",
                   help="input shape for MXNet JSON without __shape__ (repeatable)")
    p.add_argument("-o", "--output", help="the HTML file (default: SOURCE-explore.html)")
    p.add_argument("--max-picture-nodes", type=int, default=600, metavar="N",
                   help="draw no picture of a step with more nodes (default 600)")
    p.add_argument("--serve", action="store_true",
                   help="serve the page on http://127.0.0.1:PORT/ instead of writing it")
    p.add_argument("--port", type=int, default=0, help="--serve: port (default: a free one)")
    p.add_argument("--max-requests", type=int, help="--serve: stop after N requests")
    p.add_argument("--timeout", type=float, help="--serve: stop after S seconds")


def _split_rest(args) -> list:
    """Options given after the source are the explorer's; the rest (and everything after
    `--`) goes to the script."""
    rest = list(args.args)
    post = []
    if "--" in rest:
        k = rest.index("--")
        rest, post = rest[:k], rest[k + 1:]
    options = argparse.ArgumentParser(add_help=False)
    _options(options)
    _, unknown = options.parse_known_args(rest, namespace=args)
    return unknown + post


def explore_command(args) -> int:
    from .commands import CliError, check_pipeline, info, parse_shapes
    from ..explore import from_file, from_script, render_page, serve
    script_args = _split_rest(args)
    check_pipeline(args.passes)
    passes = args.passes.split(",") if args.passes else None
    if args.source.endswith(".py"):
        exp = from_script(args.source, script_args, passes)
    else:
        if not os.path.isfile(args.source):
            raise CliError("no such file: %s" % args.source)
        exp = from_file(args.source, passes, not args.forward_only, parse_shapes(args.shape))
    page = render_page(exp, max_picture_nodes=args.max_picture_nodes)
    if args.serve:
        count = serve(page, args.port, args.max_requests, args.timeout,
                      ready=lambda url: info("tapegraph explore: serving %s (Ctrl-C stops)"
                                             % url))
        info("tapegraph explore: served %d request(s)" % count)
        return 0
    out = args.output or os.path.splitext(os.path.basename(args.source))[0] + "-explore.html"
    with open(out, "w", encoding="utf-8") as f:
        f.write(page)
    info("tapegraph explore: %d step(s) of %d program(s); wrote %s"
         % (len(exp.steps), exp.programs, out))
    sys.stderr.flush()
    return 0
