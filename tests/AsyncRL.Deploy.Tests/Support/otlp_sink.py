"""A stand-in OTLP/HTTP collector: saves every POSTed export body as a file and answers 200.

Usage: otlp_sink.py HOST PORT OUT_DIR. Writes OUT_DIR/traces-N.pb for /v1/traces (and metrics-N.pb, logs-N.pb)
and prints "listening" once bound. The test decodes the files; nothing here parses protobuf.
"""
import http.server
import itertools
import os
import sys

host, port, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
counter = itertools.count()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        signal = self.path.rstrip("/").rsplit("/", 1)[-1] or "unknown"
        name = os.path.join(out_dir, f"{signal}-{next(counter)}.pb")
        with open(name + ".tmp", "wb") as f:
            f.write(body)
        os.replace(name + ".tmp", name)  # the reader never sees half a body
        # An empty Export*ServiceResponse: zero bytes of protobuf.
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer((host, port), Handler)
print("listening", flush=True)
server.serve_forever()
