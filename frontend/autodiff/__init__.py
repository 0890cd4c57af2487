"""Differentiating what was recorded: the backward engine (`engine`: collect, compile once
per structure, run), recording a backward for `create_graph` (`replay`), and user-defined
operators (`function`: `autograd.Function`)."""
