"""The `tapegraph` command line (`commands`; subcommands `demo` and `trace`)."""
from .commands import main

__all__ = ["main"]
