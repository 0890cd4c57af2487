"""Large arrays and memory while recording: deferred element-wise chains run as one fused
kernel (`lazy`), the choice to defer or thread a large call (`large_ops`), and pausing the
cyclic collector while graphs are recorded (`gc_pause`).

Imports only the core (`tapegraph.ir`, `tapegraph.passes`, `tapegraph.runtime`)."""
