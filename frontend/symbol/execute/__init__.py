"""Running a Symbol: MXNet's Executor (`bind`, `simple_bind`, forward, backward)."""
