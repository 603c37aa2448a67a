"""bench/bench_pages.py is a benchmark, not a test: only its parts are checked here (arguments,
wrk's report read right, the Python client's requests counted), never a speed."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.bench_pages import PAGES, parse_args
from bench.load import parse_wrk, python_load

WRK_REPORT = """Running 5s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  12345 requests in 5.01s, 1.23MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   2464.07
"""


def test_arguments_and_pages():
    args = parse_args(["--rounds", "1", "--seconds", "0.5", "--client", "python"])
    assert (args.rounds, args.seconds, args.connections, args.client) == (1, 0.5, 16, "python")
    assert {path for _, path in PAGES} >= {"/", "/agencies/putuo-ghzy/2024/"}
    with pytest.raises(SystemExit):
        parse_args(["--client", "curl"])


def test_wrk_report_is_read():
    result = parse_wrk(WRK_REPORT)
    assert (result.requests, result.seconds, result.errors) == (12345, 5.01, 6)


class Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 200 if self.path == "/ok" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_python_client_counts_answers_and_errors(server):
    ok = python_load(f"{server}/ok", seconds=0.3, connections=2, processes=1)
    assert ok.requests > 0 and ok.errors == 0
    missing = python_load(f"{server}/missing", seconds=0.3, connections=2, processes=1)
    assert missing.requests > 0 and missing.errors == missing.requests
