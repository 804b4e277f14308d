"""A fake Kubernetes API server for the high-availability tests: not Kubernetes, only the calls a
leader election makes on one coordination.k8s.io/v1 Lease (GET, POST, PUT), on a loopback port,
with the API server's optimistic concurrency (every write sets a new resourceVersion; a PUT with
another version, or a POST of a Lease that exists, gets 409 Conflict). A gateway reaches it through
a kubeconfig file (KUBECONFIG), as it would reach a real cluster from outside one."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_LEASE = re.compile(r"^/apis/coordination\.k8s\.io/v1/namespaces/([^/]+)/leases(?:/([^/?]+))?")


class FakeKubernetes:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lease: dict | None = None
        self._version = 0
        self._renewing: str | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._answer(*fake._get(self._name()))

            def do_POST(self) -> None:
                self._answer(*fake._create(self._body()))

            def do_PUT(self) -> None:
                self._answer(*fake._replace(self._name(), self._body()))

            def _name(self) -> str | None:
                match = _LEASE.match(self.path)
                return match.group(2) if match else None

            def _body(self) -> dict:
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def _answer(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def kubeconfig(self, path: Path) -> Path:
        path.write_text(json.dumps({  # JSON is YAML
            "apiVersion": "v1", "kind": "Config", "current-context": "fake",
            "clusters": [{"name": "fake", "cluster": {"server": self.url}}],
            "users": [{"name": "fake", "user": {"token": "fake"}}],
            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}],
        }))
        return path

    def holder(self) -> str | None:
        with self._lock:
            return None if self._lease is None else self._lease.get("spec", {}).get("holderIdentity")

    def take_over(self, holder: str) -> None:
        """Another coordinator holds the Lease from now on and renews it at every read."""
        with self._lock:
            self._renewing = holder
            self._stamp(holder)

    def release(self) -> None:
        """That coordinator gives the Lease up."""
        with self._lock:
            self._renewing = None
            self._stamp(None)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _stamp(self, holder: str | None) -> None:
        self._lease["spec"]["holderIdentity"] = holder
        self._version += 1
        self._lease["metadata"]["resourceVersion"] = str(self._version)

    def _get(self, name: str | None) -> tuple[int, dict]:
        with self._lock:
            if self._lease is None or self._lease["metadata"]["name"] != name:
                return 404, _status(404, "NotFound", f'leases "{name}" not found')
            if self._renewing:
                self._stamp(self._renewing)
            return 200, self._lease

    def _create(self, lease: dict) -> tuple[int, dict]:
        with self._lock:
            if self._lease is not None:
                return 409, _status(409, "AlreadyExists", "the lease exists")
            self._lease = dict(lease, apiVersion="coordination.k8s.io/v1", kind="Lease")
            self._stamp(lease["spec"].get("holderIdentity"))
            return 201, self._lease

    def _replace(self, name: str | None, lease: dict) -> tuple[int, dict]:
        with self._lock:
            if self._lease is None or self._lease["metadata"]["name"] != name:
                return 404, _status(404, "NotFound", f'leases "{name}" not found')
            if lease["metadata"].get("resourceVersion") != self._lease["metadata"]["resourceVersion"]:
                return 409, _status(409, "Conflict", "the object has been modified")
            self._lease = dict(lease, apiVersion="coordination.k8s.io/v1", kind="Lease")
            self._stamp(lease["spec"].get("holderIdentity"))
            return 200, self._lease


def _status(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "message": message, "code": code}
