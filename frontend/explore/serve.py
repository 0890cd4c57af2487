"""`tapegraph explore --serve`: the explorer page on a local web server.

The server binds 127.0.0.1 only (never another interface), answers GET for the page and
nothing else, and stops after `max_requests` requests or `timeout` seconds when given
(or on Ctrl-C).
"""
from __future__ import annotations

import http.server
import time
from typing import Callable, Optional

HOST = "127.0.0.1"


class _Handler(http.server.BaseHTTPRequestHandler):
    page = b""
    server_version = "tapegraph-explore"

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        if self.path.split("?")[0] not in ("/", "/index.html"):
            self.send_error(404, "only / is served")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args) -> None:
        pass


class _Server(http.server.HTTPServer):
    requests = 0

    def process_request(self, request, client_address) -> None:
        self.requests += 1
        super().process_request(request, client_address)


def make_server(page: str, port: int = 0) -> http.server.HTTPServer:
    """An HTTP server on 127.0.0.1:`port` (0: a free port) serving `page` at `/`."""
    handler = type("Handler", (_Handler,), {"page": page.encode("utf-8")})
    return _Server((HOST, port), handler)


def serve(page: str, port: int = 0, max_requests: Optional[int] = None,
          timeout: Optional[float] = None,
          ready: Optional[Callable[[str], None]] = None) -> int:
    """Serve `page` until `max_requests` requests were answered, `timeout` seconds passed
    or Ctrl-C; `ready(url)` is called once listening. Returns the number of requests."""
    server = make_server(page, port)
    url = "http://%s:%d/" % (HOST, server.server_address[1])
    deadline = None if timeout is None else time.monotonic() + timeout
    server.timeout = 0.2
    try:
        if ready is not None:
            ready(url)
        while max_requests is None or server.requests < max_requests:
            if deadline is not None and time.monotonic() >= deadline:
                break
            server.handle_request()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return server.requests
