"""Test helpers: fixture paths, meeting facts, and a real loopback HTTP server."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
MEETINGS = FIXTURES / "meetings"

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class LoopbackServer:
    """A real HTTP server on 127.0.0.1 whose routes a test defines."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        server = self

        class RequestHandler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, dict(self.headers), body))
                handler = server.routes.get(self.path)
                if handler is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                handler(self)

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(
        self, path: str, body: bytes, content_type: str = "text/plain", status: int = 200
    ) -> None:
        def handler(request: http.server.BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("content-type", content_type)
            request.send_header("content-length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = handler

    def redirect(self, path: str, location: str) -> None:
        def handler(request: http.server.BaseHTTPRequestHandler) -> None:
            request.send_response(302)
            request.send_header("location", location)
            request.send_header("content-length", "0")
            request.end_headers()

        self.routes[path] = handler

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def meeting(name: str) -> tuple[str, dict]:
    """A meeting transcript fixture and its known facts."""
    text = (MEETINGS / f"{name}.txt").read_text()
    facts = json.loads((MEETINGS / f"{name}.facts.json").read_text())
    return text, facts


def decision_recall(summary: str, facts: dict) -> float:
    """Share of known decisions whose key phrase (any spelling) appears in the summary."""
    text = summary.lower()
    hits = sum(
        any(alt.lower() in text for alt in alternatives) for alternatives in facts["decisions"]
    )
    return hits / len(facts["decisions"])


def action_recall(summary: str, facts: dict) -> float:
    """Share of known action items that some line attributes to the right owner."""
    lines = [line.lower() for line in summary.splitlines()]
    hits = 0
    for item in facts["action_items"]:
        owner = item["owner"].lower()
        if any(
            (f"{owner}:" in line or f"{owner} " in line or line.startswith(f"- {owner}"))
            and any(word in line for word in item["any"])
            for line in lines
        ):
            hits += 1
    return hits / len(facts["action_items"])
