"""Jobs on a gateway: the engine handle ``_bridge`` uses outside an embedded run.

``RemoteEngine`` and ``RemoteJob`` answer the same calls as the embedded engine's handles
(``start``/``plan``; ``status``, ``wait``, ``failure``, ``drain``, ``cancel``, savepoints),
over the gRPC service of ``proto/pystream/v1/gateway.proto``. A job's printed output and
collected results stream back on a thread of their own, into this process's stdout and the
collect iterators.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import threading
import time
import traceback
from collections import defaultdict
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator

import cloudpickle
import grpc

from pystream._proto import gateway_pb2 as gw
from pystream._proto import jobspec_pb2 as spec_pb
from pystream._runtime.errors import is_internal_frame
from pystream.errors import JobExecutionError, PyStreamError
from pystream.util.exceptions import from_engine

__all__ = ["GatewayError", "RemoteEngine", "RemoteJob", "remote_engine", "connect"]

_SERVICE = "/pystream.v1.JobGateway/"
_SQL_ERROR_TRAILER = "pystream-error-type"  # the engine's exception type of a refused statement
_SUBMISSION_HEADER = "pystream-submission"  # an uploaded script's jobs name its upload (UploadRegistry)
_FINAL = {"FINISHED", "CANCELED", "FAILED", "SUSPENDED"}  # suspended: the next leader resumes it
_MAX_MESSAGE = 16 * 1024 * 1024
_START_TIMEOUT_S = 600  # the first start may build the engine
_DEFAULT_IDLE_TIMEOUT = "30 min"  # a local gateway with no job and no request for this long stops
_URI_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_remote: "RemoteEngine | None" = None
_remote_lock = threading.Lock()


class GatewayError(PyStreamError):
    """A gateway refused a call or cannot be reached."""


def remote_engine() -> "RemoteEngine":
    """The gateway this process submits to, connected on first use."""
    global _remote
    with _remote_lock:
        if _remote is None:
            _remote = connect(start=True)
            _show_job_failures_user_first()
        return _remote


def connect(start: bool) -> "RemoteEngine":
    """``PYSTREAM_GATEWAY`` (host:port), else the local gateway; ``start`` starts one when none runs."""
    token = os.environ.get("PYSTREAM_TOKEN") or None
    address = os.environ.get("PYSTREAM_GATEWAY")
    if address:
        return RemoteEngine(address, token)
    return RemoteEngine(_local_gateway(start), token)


class RemoteEngine:
    """A gateway's gRPC service, with the calls the API layer and the ``pystream`` CLI make."""

    def __init__(self, address: str, token: str | None) -> None:
        self.address = address
        self._channel = grpc.insecure_channel(address, options=[
            ("grpc.max_send_message_length", _MAX_MESSAGE + (1 << 20)),
            ("grpc.max_receive_message_length", -1),
        ])
        self._metadata = [("authorization", f"Bearer {token}")] if token else []
        # Set when the gateway runs this process for an uploaded script: the gateway keeps the jobs'
        # output itself, so the script does not echo it back into its own output.
        self.submission = os.environ.get("PYSTREAM_SUBMISSION") or None

    # -- what _bridge calls ------------------------------------------------------------

    def start(self, spec: bytes) -> "RemoteJob":
        request = _submission(spec_pb.JobSpec.FromString(spec))
        upload = [(_SUBMISSION_HEADER, self.submission)] if self.submission else []
        info = self.call("Submit", request, gw.JobInfo, metadata=_trace_context() + upload)
        return RemoteJob(self, info)

    def prepare_pickling(self) -> None:
        """The script's own modules travel by value: a gateway that imported an earlier version
        of one (another job's, or this script's before an edit) must not run that."""
        main_dir = _main_directory()
        if main_dir is None:
            return
        for name in _script_modules(main_dir):
            if "." not in name:  # a package covers its submodules
                cloudpickle.register_pickle_by_value(sys.modules[name])

    def plan(self, spec: bytes) -> str:
        return self.call("Plan", gw.PlanRequest(spec=spec), gw.PlanResponse).json

    def read_settings(self, configuration: dict[str, str]) -> dict[str, str]:
        request = gw.SettingsRequest(configuration=configuration)
        return dict(self.call("ReadSettings", request, gw.SettingsResponse).settings)

    def sql(self, request: bytes) -> bytes:
        """A table environment's statement (see ``_bridge.sql``); a refusal raises its ``pyflink.util.exceptions`` class."""
        stub = self._channel.unary_unary(_SERVICE + "Sql", request_serializer=gw.SqlCall.SerializeToString,
                                         response_deserializer=gw.SqlCall.FromString)
        try:
            return stub(gw.SqlCall(message=request), metadata=self._metadata).message
        except grpc.RpcError as error:
            type_name = dict(error.trailing_metadata() or ()).get(_SQL_ERROR_TRAILER)
            if error.code() == grpc.StatusCode.INVALID_ARGUMENT and type_name:
                raise from_engine(type_name, error.details()) from None
            raise _gateway_error(error, self.address) from None

    # -- the service -----------------------------------------------------------------

    def call(self, method: str, request: Any, response_type: Any, metadata: list | None = None,
             timeout: float | None = None) -> Any:
        stub = self._channel.unary_unary(_SERVICE + method, request_serializer=type(request).SerializeToString,
                                         response_deserializer=response_type.FromString)
        try:
            return stub(request, metadata=self._metadata + (metadata or []), timeout=timeout)
        except grpc.RpcError as error:
            raise _gateway_error(error, self.address) from None

    def follow(self, job_id: str) -> Iterator[gw.JobEvent]:
        stub = self._channel.unary_stream(_SERVICE + "Follow", request_serializer=gw.JobRequest.SerializeToString,
                                          response_deserializer=gw.JobEvent.FromString)
        return stub(gw.JobRequest(job_id=job_id), metadata=self._metadata)

    def list_jobs(self) -> list[gw.JobInfo]:
        return list(self.call("ListJobs", gw.ListJobsRequest(), gw.ListJobsResponse).jobs)

    def cancel(self, job_id: str) -> gw.JobInfo:
        return self.call("Cancel", gw.JobRequest(job_id=job_id), gw.JobInfo)

    def savepoint(self, job_id: str, directory: str, stop: bool = False, drain: bool = False) -> str:
        request = gw.SavepointRequest(job_id=job_id, directory=_from_here(directory), stop=stop, drain=drain)
        return self.call("Savepoint", request, gw.SavepointResponse).path

    def details(self, job_id: str) -> gw.JobDetails:
        return self.call("GetJob", gw.JobRequest(job_id=job_id), gw.JobDetails)


class RemoteJob:
    """A job on a gateway; its events arrive on a daemon thread from the moment it started."""

    def __init__(self, gateway: RemoteEngine, info: gw.JobInfo) -> None:
        self.job_id = info.job_id
        self._gateway = gateway
        self._status = info.status
        self._failure: tuple[str, str | None, str] | None = None
        self._results: dict[str, list[bytes]] = defaultdict(list)
        self._lock = threading.Lock()
        self._done = threading.Event()
        threading.Thread(target=self._follow, name=f"pystream-follow-{self.job_id}", daemon=True).start()

    def status(self) -> str:
        return self._status

    def wait(self, timeout_ms: int) -> bool:
        return self._done.wait(None if timeout_ms < 0 else timeout_ms / 1000)

    def failure(self) -> tuple[str, str | None, str] | None:
        return self._failure

    def drain(self, collect_id: str) -> list[bytes]:
        with self._lock:
            return self._results.pop(collect_id, [])

    def cancel(self) -> None:
        self._gateway.cancel(self.job_id)

    def checkpoint_history(self) -> list[tuple]:
        return [(c.id, c.kind, c.triggered_at_ms, c.duration_ms, c.size_bytes, c.failure or None)
                for c in self._gateway.details(self.job_id).checkpoints]

    def trigger_savepoint(self, directory: str) -> str:
        return self._gateway.savepoint(self.job_id, directory)

    def stop_with_savepoint(self, directory: str, drain: bool) -> str:
        path = self._gateway.savepoint(self.job_id, directory, stop=True, drain=drain)
        self._done.wait()
        return path

    def _follow(self) -> None:
        try:
            for event in self._gateway.follow(self.job_id):
                self._on(event)
        except grpc.RpcError as error:
            if not self._done.is_set():
                self._status = "FAILED"
                message = f"lost the job's stream from the gateway at {self._gateway.address}: {error.details()}"
                self._failure = (message, None, str(error))
        finally:
            self._done.set()

    def _on(self, event: gw.JobEvent) -> None:
        kind = event.WhichOneof("kind")
        if kind in ("output", "error_output") and self._gateway.submission:
            return
        if kind == "output":
            sys.stdout.write(event.output)
            sys.stdout.flush()
        elif kind == "error_output":
            sys.stderr.write(event.error_output)
            sys.stderr.flush()
        elif kind == "results":
            with self._lock:
                self._results[event.results.collect_id].append(event.results.data)
        elif kind == "status":
            if event.status.status == "FAILED" and event.HasField("failure"):
                f = event.failure
                self._failure = (f.message, f.user_traceback or None, f.detail)
            self._status = event.status.status
            if event.status.status in _FINAL:
                self._done.set()


def _show_job_failures_user_first() -> None:
    """A script's uncaught job failure prints the frames of the user's function (where it failed, on
    the gateway) first, then where the script started the job, without the client's own frames."""
    previous = sys.excepthook
    if getattr(previous, "_pystream_job_failures", False):
        return

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not isinstance(exc, JobExecutionError) or exc.user_traceback is None:
            previous(exc_type, exc, tb)
            return
        started = [frame for frame in traceback.extract_tb(tb) if not is_internal_frame(frame.filename)]
        sys.stderr.write(f"{exc.user_traceback.rstrip()}\n\nThe job was started here:\n"
                         f"{''.join(traceback.format_list(started))}"
                         f"{exc_type.__module__}.{exc_type.__qualname__}: {exc.message}\n")

    hook._pystream_job_failures = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def _from_here(directory: str) -> str:
    """A relative directory is one under this process's working directory (where the user typed it),
    not the gateway's; empty (the job's default) and URIs (``file:/x``) go as given."""
    if not directory or _URI_SCHEME.match(directory):
        return directory
    return os.path.abspath(directory)


def _gateway_error(error: grpc.RpcError, address: str) -> GatewayError:
    code = error.code()
    if code == grpc.StatusCode.UNAVAILABLE:
        return GatewayError(f"no gateway answers at {address}: {error.details()}")
    return GatewayError(f"{error.details()} ({code.name})")


def _submission(spec: spec_pb.JobSpec) -> gw.SubmitRequest:
    """The spec with the files its functions may import: each ``add_python_file`` directory's
    ``.py`` files, and the modules the script imported from its own directory."""
    files_of = {entry: sorted(Path(entry).rglob("*.py")) if Path(entry).is_dir() else [] for entry in spec.python_files}
    main_dir = _main_directory()
    if main_dir is not None:
        modules = sorted(_script_modules(main_dir).values())
        if str(main_dir) in files_of:
            files_of[str(main_dir)] = modules
        elif modules:
            spec.python_files.append(str(main_dir))
            files_of[str(main_dir)] = modules
    request = gw.SubmitRequest()
    for index, (entry, files) in enumerate(files_of.items()):
        name = f"root{index}"
        request.python_roots[entry] = name
        for path in files:
            relative = path.relative_to(entry)
            if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                continue
            request.files.add(path=f"{name}/{relative.as_posix()}", content=path.read_bytes())
    request.spec = spec.SerializeToString()
    return request


def _main_directory() -> Path | None:
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return Path(main_file).resolve().parent if main_file else None


def _script_modules(directory: Path) -> dict[str, Path]:
    """The modules loaded from ``directory`` and their files (not the script itself, nor installed packages)."""
    modules = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name == "__main__" or not file or not file.endswith(".py"):
            continue
        path = Path(file).resolve()
        if directory in path.parents and "site-packages" not in path.parts and not _is_pystream(path):
            modules[name] = path
    return modules


_PACKAGES = Path(__file__).resolve().parent.parent  # where pystream (and the pyflink alias) live


def _is_pystream(path: Path) -> bool:
    return _PACKAGES in path.parents


def _trace_context() -> list[tuple[str, str]]:
    """W3C trace context for the submission: the caller's OpenTelemetry context when it has one, else ``TRACEPARENT``."""
    carrier: dict[str, str] = {}
    try:
        from opentelemetry import propagate  # optional: only when the user traces their own code
        propagate.inject(carrier)
    except ImportError:
        pass
    if "traceparent" not in carrier and os.environ.get("TRACEPARENT"):
        carrier["traceparent"] = os.environ["TRACEPARENT"]
    return [(k.lower(), v) for k, v in carrier.items() if k.lower() in ("traceparent", "tracestate")]


# -- the local gateway: started on first use, reused by later clients ------------------


def _local_gateway(start: bool) -> str:
    state = Path(os.environ.get("PYSTREAM_LOCAL_GATEWAY_DIR") or _home() / ".pystream" / "local-gateway")
    state.mkdir(parents=True, exist_ok=True)
    address_file = state / "address.json"
    with open(state / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one client starts it; the others wait and reuse it
        address = _live_address(address_file)
        if address is not None:
            return address
        if not start:
            raise GatewayError("no gateway is running: set PYSTREAM_GATEWAY=host:port, or start one with `./pystream gateway`")
        return _start_local_gateway(state, address_file)


def _live_address(address_file: Path) -> str | None:
    try:
        recorded = json.loads(address_file.read_text())
        os.kill(int(recorded["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    try:
        RemoteEngine(recorded["rpc"], os.environ.get("PYSTREAM_TOKEN")).call(
            "ListJobs", gw.ListJobsRequest(), gw.ListJobsResponse, timeout=5)
    except GatewayError:
        return None
    return str(recorded["rpc"])


def _start_local_gateway(state: Path, address_file: Path) -> str:
    address_file.unlink(missing_ok=True)
    launcher = _home() / "pystream"
    log_path = state / "gateway.log"
    idle_timeout = os.environ.get("PYSTREAM_LOCAL_GATEWAY_IDLE_TIMEOUT") or _DEFAULT_IDLE_TIMEOUT
    command = [str(launcher), "gateway", "--port", "0", "--rpc-port", "0", "--data", str(state / "data"),
               "--address-file", str(address_file), "--idle-timeout", idle_timeout]
    if not os.environ.get("PYSTREAM_LOCAL_WORKERS"):  # one user's own gateway: its jobs in its process, unless asked
        command += ["--local-workers", "off"]
    owned = _in_notebook() and os.environ.get("PYSTREAM_LOCAL_GATEWAY_KEEP") != "1"
    if owned:  # a notebook's gateway ends with its kernel, unless asked to stay
        command += ["--owner-pid", str(os.getpid())]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if address_file.exists():
            started = json.loads(address_file.read_text())
            stops = (["when this kernel exits"] if owned else []) + (
                [f"after {idle_timeout} without jobs or requests"] if idle_timeout.strip() != "0" else [])
            when = "stops " + " or ".join(stops) if stops else "runs until stopped"
            print(f"pystream: started a local gateway, Web UI at {started['rest']} ({when}; log: {log_path})", file=sys.stderr)
            return str(started["rpc"])
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise GatewayError(f"the local gateway did not start (exit {process.returncode}); its log {log_path}:\n{tail}")
        time.sleep(0.05)
    process.terminate()
    raise GatewayError(f"the local gateway did not start within {_START_TIMEOUT_S} s; see {log_path}")


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (the gateway it starts should not outlive it)."""
    return "ipykernel" in sys.modules


def _home() -> Path:
    """The PyStream checkout that has ``./pystream`` (this package installed from it, or ``PYSTREAM_HOME``)."""
    configured = os.environ.get("PYSTREAM_HOME")
    home = Path(configured) if configured else Path(__file__).resolve().parents[2]
    if not (home / "pystream").is_file():
        raise GatewayError(
            f"cannot start a local gateway: no PyStream checkout at {home} (set PYSTREAM_HOME to one, "
            "or PYSTREAM_GATEWAY=host:port to use a running gateway)")
    return home
