"""Recording: traced values (`values`), the per-thread tape (`tape`), the single entry
point through which every operator runs and records (`invoke`), and reading a recorded graph
with its structural key back from its heads (`collect`).

Imports only `tapegraph.ir`, `tapegraph.accel` and `tapegraph.base` (docs/architecture.md)."""
