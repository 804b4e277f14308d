"""docker/ agrees with itself and with the code: the image, compose, Prometheus, Grafana and Kubernetes files, parsed (never run)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
DOCKERFILE = DOCKER / "Dockerfile"
K8S = DOCKER / "k8s"

_TASK = frozenset({"job", "job_id", "vertex", "task", "subtask"})
_CHECKPOINT = frozenset({"job", "kind", "status"})

# What OpenTelemetry's Prometheus exporter makes of the engine's Meter "PyStream.Runtime"
# (EngineTelemetry.cs), with each series' labels. The single list the Grafana dashboard is
# checked against here; an end-to-end gateway test checks the live /metrics against it.
EXPORTED_METRICS: dict[str, frozenset[str]] = {
    "pystream_records_in_total": _TASK,
    "pystream_records_out_total": _TASK,
    "pystream_task_idle_time_milliseconds_total": _TASK,
    "pystream_task_backpressured_time_milliseconds_total": _TASK,
    "pystream_python_time_milliseconds_total": _TASK,
    "pystream_watermark_milliseconds": _TASK,
    "pystream_watermark_lag_milliseconds": _TASK,
    "pystream_state_size_bytes": frozenset({"job", "job_id", "vertex", "subtask"}),
    "pystream_checkpoints_total": _CHECKPOINT,
    "pystream_checkpoint_duration_milliseconds_bucket": _CHECKPOINT | {"le"},
    "pystream_checkpoint_size_bytes_bucket": _CHECKPOINT | {"le"},
    "pystream_job_restarts_total": frozenset({"job"}),
}


# --- Dockerfile -------------------------------------------------------------------------

@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [value for key, value in self.instructions if key == keyword]

    def one(self, keyword: str) -> str:
        values = self.all(keyword)
        assert len(values) == 1, f"stage {self.name or self.base}: {len(values)} {keyword} instructions"
        return values[0]


@cache
def stages() -> tuple[Stage, ...]:
    """The Dockerfile's stages: comment lines dropped, continuation lines joined."""
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    logical = re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines()
    result: list[Stage] = []
    for line in filter(str.strip, logical):
        keyword, _, value = line.strip().partition(" ")
        keyword, value = keyword.upper(), value.strip()
        if keyword == "FROM":
            words = value.split()
            result.append(Stage(words[0], words[2] if len(words) == 3 and words[1].upper() == "AS" else None))
        else:
            result[-1].instructions.append((keyword, value))
    return tuple(result)


def stage(name: str) -> Stage:
    return next(s for s in stages() if s.name == name)


def runtime() -> Stage:
    return stages()[-1]


def command_line() -> list[str]:
    """What the image runs: ENTRYPOINT (the executable) and CMD (its options), both in JSON form."""
    return json.loads(runtime().one("ENTRYPOINT")) + json.loads(runtime().one("CMD"))


def compose_gateway_command() -> list[str]:
    """What compose runs in the gateway's container: the image's ENTRYPOINT with the service's command."""
    return json.loads(runtime().one("ENTRYPOINT")) + gateway_service()[1]["command"]


def option(args: list[str], name: str) -> str:
    assert args.count(name) == 1, f"{name} in {args}"
    return args[args.index(name) + 1]


def image_ports() -> set[int]:
    args = command_line()
    return {int(option(args, "--port")), int(option(args, "--rpc-port"))}


def data_directory() -> str:
    return option(command_line(), "--data")


def run_commands(s: Stage) -> list[list[str]]:
    """Each RUN split at && into its commands."""
    return [shlex.split(part) for run in s.all("RUN") for part in run.split("&&")]


def run_command(s: Stage, *prefix: str) -> list[str]:
    matches = [c for c in run_commands(s) if c[: len(prefix)] == list(prefix)]
    assert len(matches) == 1, f"{' '.join(prefix)} in stage {s.name}: {matches}"
    return matches[0]


def apt_packages(s: Stage) -> set[str]:
    install = run_command(s, "DEBIAN_FRONTEND=noninteractive", "apt-get", "install")
    return {word for word in install[3:] if not word.startswith("-")}


def copied_from(s: Stage, source_stage: str) -> list[tuple[str, str]]:
    copies = [value.split() for value in s.all("COPY") if value.startswith(f"--from={source_stage} ")]
    return [(words[1], words[2]) for words in copies]


# --- compose ----------------------------------------------------------------------------

@cache
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def service_with_image(prefix: str) -> tuple[str, dict]:
    found = [(name, s) for name, s in compose()["services"].items() if s.get("image", "").startswith(prefix)]
    assert len(found) == 1, f"one service with image {prefix}*, found {[n for n, _ in found]}"
    return found[0]


def gateway_service() -> tuple[str, dict]:
    """The service that builds docker/Dockerfile."""
    found = [(name, s) for name, s in compose()["services"].items()
             if "build" in s and (DOCKER / s["build"]["context"] / s["build"]["dockerfile"]).resolve() == DOCKERFILE]
    assert len(found) == 1, found
    return found[0]


def port_mappings(s: dict) -> list[tuple[int, int]]:
    """(host, container) of each short-syntax port, an optional host address dropped."""
    return [(int(p.split(":")[-2]), int(p.split(":")[-1])) for p in s.get("ports", [])]


def mounts(s: dict) -> dict[str, str]:
    """Container path -> source (a named volume, or a path relative to docker/)."""
    parts = [v.split(":") for v in s.get("volumes", [])]
    return {p[1]: p[0] for p in parts}


def host_path(s: dict, container_path: str) -> Path:
    """Where a bind mount of the service puts container_path on the host."""
    for target, source in mounts(s).items():
        if source.startswith(".") and (container_path == target or container_path.startswith(target + "/")):
            return (DOCKER / source / container_path[len(target):].lstrip("/")).resolve()
    raise AssertionError(f"{container_path} is not bind-mounted")


# --- Prometheus, Grafana, Kubernetes ------------------------------------------------------

def prometheus_config() -> dict:
    _, prometheus = service_with_image("prom/prometheus:")
    return yaml.safe_load(host_path(prometheus, "/etc/prometheus/prometheus.yml").read_text())


def grafana_provisioning(kind: str) -> list[dict]:
    _, grafana = service_with_image("grafana/grafana:")
    folder = host_path(grafana, f"/etc/grafana/provisioning/{kind}")
    return [yaml.safe_load(f.read_text()) for f in sorted(folder.glob("*.yaml"))]


def prometheus_datasource() -> dict:
    sources = [d for f in grafana_provisioning("datasources") for d in f["datasources"] if d["type"] == "prometheus"]
    assert len(sources) == 1, sources
    return sources[0]


def dashboard_file() -> Path:
    """The PyStream dashboard where the provider loads it from, through compose's mount."""
    providers = [p for f in grafana_provisioning("dashboards") for p in f["providers"]]
    assert [p["type"] for p in providers] == ["file"]
    _, grafana = service_with_image("grafana/grafana:")
    return host_path(grafana, providers[0]["options"]["path"]) / "pystream.json"


@cache
def dashboard() -> dict:
    return json.loads(dashboard_file().read_text())


def expressions() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p.get("targets", [])]


def k8s(file: str) -> list[dict]:
    return list(yaml.safe_load_all((K8S / file).read_text()))


@cache
def k8s_objects() -> tuple[dict, ...]:
    """Every object the kustomization applies."""
    (kustomization,) = k8s("kustomization.yaml")
    return tuple(o for resource in kustomization["resources"] for o in k8s(resource))


def k8s_object(kind: str, name: str | None = None) -> dict:
    objects = [o for o in k8s_objects() if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(objects) == 1, f"one {kind} {name or ''} in docker/k8s"
    return objects[0]


COORDINATOR = "pystream-gateway"  # the coordinators' Deployment and Service
WORKER = "pystream-worker"


def pod_spec(deployment: str) -> dict:
    return k8s_object("Deployment", deployment)["spec"]["template"]["spec"]


def container_of(deployment: str) -> dict:
    (container,) = pod_spec(deployment)["containers"]
    return container


def gateway_container() -> dict:
    return container_of(COORDINATOR)


def mount_of_claim(deployment: str, path: str) -> str:
    """The claim a deployment's container has mounted where ``path`` is."""
    mounts_ = [m for m in container_of(deployment)["volumeMounts"] if path == m["mountPath"] or path.startswith(m["mountPath"].rstrip("/") + "/")]
    assert len(mounts_) == 1, f"{path} in {deployment}"
    volume = next(v for v in pod_spec(deployment)["volumes"] if v["name"] == mounts_[0]["name"])
    return volume["persistentVolumeClaim"]["claimName"]


def options_read_by(*sources: str) -> set[str]:
    """The "--name" strings in the code that parses a command line."""
    return {o for source in sources for o in re.findall(r'"(--[a-z-]+)"', (ROOT / source).read_text())}


# --- the image --------------------------------------------------------------------------

def test_the_image_listens_on_the_gateways_default_ports() -> None:
    options = ROOT / "gateway" / "PyStream.Gateway" / "GatewayOptions.cs"
    assert options.exists(), f"{options.relative_to(ROOT)} is where the gateway's default ports are"
    source = options.read_text()
    port = int(re.search(r"public const int DefaultPort = (\d+);", source).group(1))
    rpc_port = int(re.search(r"public const int DefaultRpcPort = (\d+);", source).group(1))
    args = command_line()
    assert (int(option(args, "--port")), int(option(args, "--rpc-port"))) == (port, rpc_port)
    assert {int(p) for p in runtime().one("EXPOSE").split()} == {port, rpc_port}
    # The image is reached from outside its container: it binds every address, hence the token.
    assert option(args, "--host") == "0.0.0.0"


def test_the_image_runs_the_gateway_it_published() -> None:
    sdk = next(s for s in stages() if s.base.startswith("mcr.microsoft.com/dotnet/sdk:"))
    sdk_major = sdk.base.split(":")[1].split(".")[0]
    assert json.loads((ROOT / "global.json").read_text())["sdk"]["version"].split(".")[0] == sdk_major
    publish = run_command(sdk, "dotnet", "publish")
    project = ROOT / publish[2]
    assert (project / f"{project.name}.csproj").exists()
    assembly = re.search(r"<AssemblyName>(.+)</AssemblyName>", (project / f"{project.name}.csproj").read_text()).group(1)
    assert "--self-contained" in publish and option(publish, "-r") == "linux-x64"
    output = option(publish, "-o")
    assert (output, output) in copied_from(runtime(), sdk.name)
    assert json.loads(runtime().one("ENTRYPOINT")) == [f"{output}/{assembly}"]


def test_the_image_embeds_debians_python_with_the_pystream_package() -> None:
    assert runtime().base == "debian:12-slim"
    packages = apt_packages(runtime())
    # pythonnet loads the library PythonHost names by default; the package ships it.
    library = re.search(r'DefaultLibrary = "([^"]+)"', (ROOT / "engine" / "PyStream.Python" / "PythonHost.cs").read_text()).group(1)
    version = re.search(r"libpython(\d+\.\d+)\.so", library).group(1)
    assert {f"libpython{version}", f"python{version}-venv"} <= packages
    # The pystream package's dependencies come from Debian: where it is installed (pip
    # --no-index checks them) and where it runs.
    dependencies = re.search(r"dependencies = \[(.*?)\]", (ROOT / "python" / "pyproject.toml").read_text()).group(1)
    debian = {f"python3-{d}" for d in re.findall(r'"([\w-]+)', dependencies)}
    python = stage("python")
    assert debian <= packages and debian <= apt_packages(python)

    venv = option(run_command(python, f"python{version}", "-m", "venv"), "--system-site-packages")
    assert run_command(python, f"{venv}/bin/pip", "install")[-1] == "./python"
    assert (venv, venv) in copied_from(runtime(), "python")
    assert f"PYSTREAM_PYTHON={venv}/bin/python" in runtime().all("ENV")


def test_the_image_makes_the_python_protobuf_modules_from_the_repositorys_protos() -> None:
    protoc = run_command(stage("python"), "python3", "-m", "grpc_tools.protoc")
    protos = [a for a in protoc if a.endswith(".proto")]
    # The ones the Python client uses, as ./pystream makes them (cluster.proto and network.proto are the
    # coordinator's and the workers' own: no Python speaks them).
    launcher = re.search(r"for proto in ([\w ]+); do", (ROOT / "pystream").read_text()).group(1).split()
    assert {ROOT / p for p in protos} == {ROOT / "proto" / "pystream" / "v1" / f"{name}.proto" for name in launcher}
    assert set(launcher) | {"cluster", "network"} == {p.stem for p in (ROOT / "proto" / "pystream" / "v1").glob("*.proto")}
    assert "--python_out=python/pystream/_proto" in protoc
    # Stubs would import gateway_pb2 as a top-level module: the client does without them.
    assert not [a for a in protoc if a.startswith("--grpc_python_out")]
    assert {"python3-grpc-tools", "python3-wheel"} <= apt_packages(stage("python"))
    # Only what the build makes goes into the image, not what a developer generated locally.
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().splitlines()
    assert {"**/bin", "**/obj", ".venv", "python/pystream/_proto/*_pb2*.py"} <= set(ignored)


def test_the_image_runs_as_a_non_root_user_kubernetes_can_check() -> None:
    user, _, group = runtime().one("USER").partition(":")
    assert user.isdigit() and int(user) != 0, "a numeric uid, which runAsNonRoot can verify"
    for deployment in (COORDINATOR, WORKER):
        security = pod_spec(deployment)["securityContext"]
        assert security["runAsNonRoot"] is True
        assert (security["runAsUser"], security["fsGroup"]) == (int(user), int(group or user))


def test_the_data_volume_is_where_the_gateway_keeps_its_data() -> None:
    data = data_directory()
    assert runtime().one("VOLUME") == data
    _, gateway = gateway_service()
    assert mounts(gateway)[data] in compose()["volumes"], "a named volume, declared"
    assert mount_of_claim(COORDINATOR, data) == k8s_object("PersistentVolumeClaim")["metadata"]["name"]


# --- compose ----------------------------------------------------------------------------

def test_compose_builds_the_image_and_publishes_its_ports() -> None:
    _, gateway = gateway_service()
    assert gateway["build"]["context"] == ".." and gateway["build"]["dockerfile"] == "docker/Dockerfile"
    assert {container for _, container in port_mappings(gateway)} == image_ports()
    assert all(host == container for host, container in port_mappings(gateway))


def test_compose_workers_run_the_images_worker_against_the_gateways_rpc_port_and_scale() -> None:
    worker = service("worker")
    gateway_name, gateway = gateway_service()
    assert worker["image"] == gateway["image"] and "build" not in worker, "the image compose builds for the gateway"
    worker_stage = stage("worker")
    publish = run_command(worker_stage, "dotnet", "publish")
    project = ROOT / publish[2]
    assembly = re.search(r"<AssemblyName>(.+)</AssemblyName>", (project / f"{project.name}.csproj").read_text()).group(1)
    output = option(publish, "-o")
    assert (output, output) in copied_from(runtime(), "worker")
    assert worker["entrypoint"] == [f"{output}/{assembly}"]
    args = worker["command"]
    assert option(args, "--coordinator") == f"{gateway_name}:{option(command_line(), '--rpc-port')}"
    assert "--cluster" in compose_gateway_command(), "the gateway accepts workers"
    assert "--cluster" not in command_line(), "alone (docker run), the image runs its jobs itself"
    image = json.loads(runtime().one("CMD"))
    assert gateway["command"][: len(image)] == image, "the image's options, then --cluster"
    assert int(option(args, "--slots")) >= 1 and option(args, "--host") == "0.0.0.0"
    # --scale worker=N: no host port to collide, and the token as the gateway gets it.
    assert "ports" not in worker
    assert "PYSTREAM_TOKEN" in worker["environment"] and worker["environment"]["PYSTREAM_TOKEN"] is None
    options = (ROOT / "gateway" / "PyStream.Worker" / "WorkerOptions.cs").read_text()
    assert all(f'"{name}"' in options for name in args if name.startswith("--")), "options the worker reads"


def test_compose_passes_the_token_through_and_requires_no_variable() -> None:
    _, gateway = gateway_service()
    assert "PYSTREAM_TOKEN" in gateway["environment"] and gateway["environment"]["PYSTREAM_TOKEN"] is None, \
        "passed through from the shell, never written in the file"

    def strings(node: object) -> list[str]:
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in strings(k) + strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return [node] if isinstance(node, str) else []

    # Compose interpolates every service whichever are started: a ${VAR:?} anywhere would
    # stop `docker compose up -d kafka` without a gateway token.
    assert not [s for s in strings(compose()) if re.search(r"\$\{\w+:?\?", s)]


def test_compose_sends_the_gateways_telemetry_to_the_trace_viewers_otlp_port() -> None:
    _, gateway = gateway_service()
    endpoint = urlsplit(gateway["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    viewer_name, viewer = service_with_image("mcr.microsoft.com/dotnet/aspire-dashboard:")
    otlp_port = urlsplit(viewer["environment"]["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"].replace("+", "any")).port
    assert (endpoint.scheme, endpoint.hostname, endpoint.port) == ("http", viewer_name, otlp_port)
    assert gateway["environment"]["OTEL_SERVICE_NAME"] == "pystream-gateway"
    assert viewer["environment"]["DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] == "true"
    assert (4317, otlp_port) in port_mappings(viewer) and (18888, 18888) in port_mappings(viewer)


def test_prometheus_scrapes_the_gateway_with_its_token() -> None:
    gateway_name, gateway = gateway_service()
    (scrape,) = prometheus_config()["scrape_configs"]
    (static,) = scrape["static_configs"]
    assert static["targets"] == [f"{gateway_name}:{option(command_line(), '--port')}"]
    assert scrape["metrics_path"] == "/metrics"
    # The engine's `job` label is the PyStream job; without this Prometheus renames it.
    assert scrape["honor_labels"] is True
    _, prometheus = service_with_image("prom/prometheus:")
    (secret,) = prometheus["secrets"]
    assert scrape["authorization"] == {"type": "Bearer", "credentials_file": f"/run/secrets/{secret}"}
    assert compose()["secrets"][secret] == {"environment": "PYSTREAM_TOKEN"}


def test_grafanas_datasource_is_the_compose_prometheus() -> None:
    name, prometheus = service_with_image("prom/prometheus:")
    url = urlsplit(prometheus_datasource()["url"])
    assert url.hostname == name
    assert url.port in {container for _, container in port_mappings(prometheus)}


# --- the dashboard ----------------------------------------------------------------------

def test_the_dashboard_the_provider_loads_is_the_pystream_dashboard() -> None:
    assert dashboard_file() == (DOCKER / "grafana" / "dashboards" / "pystream.json").resolve()
    assert (dashboard()["uid"], dashboard()["title"]) == ("pystream", "PyStream")
    assert dashboard()["schemaVersion"] >= 36
    ids = [p["id"] for p in dashboard()["panels"]]
    assert len(ids) == len(set(ids)) and len(ids) >= 8
    uid = prometheus_datasource()["uid"]
    assert {p["datasource"]["uid"] for p in dashboard()["panels"]} == {uid}
    assert {t["datasource"]["uid"] for p in dashboard()["panels"] for t in p["targets"]} == {uid}


def test_the_dashboard_queries_only_metrics_the_engine_exports_and_all_of_them() -> None:
    used = {m for e in expressions() for m in re.findall(r"\bpystream_\w+", e)}
    assert used - set(EXPORTED_METRICS) == set(), "not exported by the engine"
    assert set(EXPORTED_METRICS) - used == set(), "exported, but on no panel"


def test_the_dashboards_queries_group_by_labels_their_metrics_have() -> None:
    for expr in expressions():
        labels = frozenset.intersection(*(EXPORTED_METRICS[m] for m in re.findall(r"\bpystream_\w+", expr)))
        grouped = {label.strip() for clause in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr) for label in clause.split(",")}
        matched = {name for selector in re.findall(r"\{([^}]*)\}", expr) for name in re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", selector)}
        assert grouped | matched <= labels, expr
        if "histogram_quantile" in expr:
            assert "le" in grouped and all(m.endswith("_bucket") for m in re.findall(r"\bpystream_\w+", expr)), expr


def test_the_dashboard_filters_every_query_by_its_job_variable() -> None:
    (variable,) = dashboard()["templating"]["list"]
    assert variable["name"] == "job" and variable["multi"] and variable["includeAll"]
    assert variable["datasource"]["uid"] == prometheus_datasource()["uid"]
    assert re.fullmatch(r'label_values\(\{__name__=~"pystream_\.\+"\}, job\)', variable["query"]["query"])
    for expr in expressions():
        selectors = re.findall(r"\bpystream_\w+(\{[^}]*\})?", expr)
        assert selectors and all('job=~"$job"' in s for s in selectors), expr


# --- Kubernetes -------------------------------------------------------------------------

def test_the_coordinators_run_the_images_command_with_high_availability_on_a_shared_claim() -> None:
    deployment = k8s_object("Deployment", COORDINATOR)
    claim = k8s_object("PersistentVolumeClaim")
    # A leader and a standby, both mounting the claim: it must be ReadWriteMany.
    assert deployment["spec"]["replicas"] == 2
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    container = gateway_container()
    _, gateway = gateway_service()
    assert container["image"] == gateway["image"]
    cmd = json.loads(runtime().one("CMD"))
    args = container["args"]
    assert args[: len(cmd)] == cmd and "command" not in container, "the image's ENTRYPOINT and CMD, then more options"
    assert option(args, "--ha") == "kubernetes"
    storage = option(args, "--ha-storage")
    assert mount_of_claim(COORDINATOR, storage) == claim["metadata"]["name"]
    # Checkpoints are written by the workers and read by whichever coordinator leads: the same claim at the same path.
    assert mount_of_claim(WORKER, storage) == claim["metadata"]["name"]
    assert {m["mountPath"] for m in container_of(WORKER)["volumeMounts"]} == {m["mountPath"] for m in gateway_container()["volumeMounts"]}
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_the_gateways_pid_1_reaps_the_processes_of_uploaded_scripts() -> None:
    # The gateway runs each upload in a child process; what a script leaves behind is reaped only by PID 1.
    _, gateway = gateway_service()
    assert gateway.get("init") is True, "compose runs an init as the gateway container's PID 1"
    pod = k8s_object("Deployment", COORDINATOR)["spec"]["template"]["spec"]
    assert pod.get("shareProcessNamespace") is True, "the pod's pause container is PID 1"


def test_every_option_in_the_manifests_and_compose_is_one_the_code_reads() -> None:
    gateway_options = options_read_by("gateway/PyStream.Gateway/GatewayOptions.cs", "gateway/PyStream.Gateway/HighAvailability/HighAvailabilitySettings.cs")
    worker_options = options_read_by("gateway/PyStream.Worker/WorkerOptions.cs")
    _, gateway = gateway_service()
    for args, known in ((gateway_container()["args"], gateway_options), (command_line(), gateway_options), (compose_gateway_command(), gateway_options),
                        (container_of(WORKER)["args"], worker_options), (service("worker")["command"], worker_options)):
        assert {a for a in args if a.startswith("--")} <= known, args


def test_every_environment_variable_in_the_manifests_is_read_by_its_program_or_used_in_its_args() -> None:
    for deployment, program in ((COORDINATOR, "PyStream.Gateway"), (WORKER, "PyStream.Worker")):
        read = set(re.findall(r'GetEnvironmentVariable\("(\w+)"\)', (ROOT / "gateway" / program / "Program.cs").read_text()))
        container = container_of(deployment)
        for variable in container["env"]:
            assert variable["name"] in read or f"$({variable['name']})" in container["args"], (deployment, variable["name"])


def test_the_coordinators_elect_their_leader_with_the_lease_their_role_allows() -> None:
    settings = (ROOT / "gateway" / "PyStream.Gateway" / "HighAvailability" / "HighAvailabilitySettings.cs").read_text()
    default_id = re.search(r'DefaultClusterId = "([^"]+)"', settings).group(1)
    suffix = re.search(r'\$"\{clusterId\}(-[a-z]+)"', settings).group(1)
    args = gateway_container()["args"]
    lease = (option(args, "--kubernetes-cluster-id") if "--kubernetes-cluster-id" in args else default_id) + suffix
    role = k8s_object("Role")
    rules = [r for r in role["rules"] if r["apiGroups"] == ["coordination.k8s.io"] and r["resources"] == ["leases"]]
    assert rules == role["rules"], "the Role grants nothing but the Lease"
    allowed = {(verb, name) for r in rules for verb in r["verbs"] for name in r.get("resourceNames", ["*"])}
    assert allowed == {("create", "*"), ("get", lease), ("update", lease)}
    binding = k8s_object("RoleBinding")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role["metadata"]["name"]}
    account = pod_spec(COORDINATOR)["serviceAccountName"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account}]
    assert k8s_object("ServiceAccount", account)
    # The namespace is the pod's own (its service account's file), which the code reads.
    assert "--kubernetes-namespace" not in args
    assert '"/var/run/secrets/kubernetes.io/serviceaccount/namespace"' in settings


def test_only_the_leader_is_ready_and_the_readiness_path_needs_no_token() -> None:
    probe = (ROOT / "gateway" / "PyStream.Gateway" / "HighAvailability" / "ReadinessProbe.cs").read_text()
    path = re.search(r'public const string Path = "([^"]+)";', probe).group(1)
    readiness = gateway_container()["readinessProbe"]["httpGet"]
    assert (readiness["path"], readiness["port"]) == (path, "http")
    host = (ROOT / "gateway" / "PyStream.Gateway" / "GatewayHost.cs").read_text()
    assert host.index("ReadinessProbe.Use(app)") < host.index("TokenCheck.Use(app"), "answered before the token is checked"


def test_workers_register_with_the_coordinator_service_and_serve_the_data_plane_behind_a_headless_service() -> None:
    container = container_of(WORKER)
    assert container["image"] == gateway_container()["image"]
    assert container["command"] == service("worker")["entrypoint"], "the image's worker, as compose runs it"
    args = container["args"]
    coordinator = k8s_object("Service", COORDINATOR)
    grpc_port = next(p["port"] for p in coordinator["spec"]["ports"] if p["name"] == "grpc")
    assert option(args, "--coordinator") == f"{coordinator['metadata']['name']}:{grpc_port}"
    assert option(args, "--host") == "0.0.0.0" and int(option(args, "--slots")) >= 1
    data_port = int(option(args, "--data-port"))
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"data": data_port}
    # Other workers reach it at its pod's IP.
    assert option(args, "--advertised-host") == "$(POD_IP)"
    (pod_ip,) = [e for e in container["env"] if e["name"] == "POD_IP"]
    assert pod_ip["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    (token,) = [e for e in container["env"] if e["name"] == "PYSTREAM_TOKEN"]
    assert token["valueFrom"] == next(e for e in gateway_container()["env"] if e["name"] == "PYSTREAM_TOKEN")["valueFrom"]
    headless = k8s_object("Service", "pystream-workers")
    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["selector"].items() <= k8s_object("Deployment", WORKER)["spec"]["template"]["metadata"]["labels"].items()
    assert [(p["port"], p["targetPort"]) for p in headless["spec"]["ports"]] == [(data_port, "data")]


def test_the_autoscaler_scales_the_workers_on_the_cpu_they_request() -> None:
    autoscaler = k8s_object("HorizontalPodAutoscaler")
    assert autoscaler["apiVersion"] == "autoscaling/v2"
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": WORKER}
    (metric,) = autoscaler["spec"]["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    assert 1 <= autoscaler["spec"]["minReplicas"] < autoscaler["spec"]["maxReplicas"]
    assert "cpu" in container_of(WORKER)["resources"]["requests"], "utilisation is measured against the request"


def test_the_container_and_the_service_expose_the_gateways_ports_by_name() -> None:
    container_ports = {p["name"]: p["containerPort"] for p in gateway_container()["ports"]}
    args = command_line()
    assert container_ports == {"http": int(option(args, "--port")), "grpc": int(option(args, "--rpc-port"))}
    service_spec = k8s_object("Service", COORDINATOR)["spec"]
    assert service_spec["selector"].items() <= k8s_object("Deployment", COORDINATOR)["spec"]["template"]["metadata"]["labels"].items()
    assert {p["targetPort"]: p["port"] for p in service_spec["ports"]} == container_ports
    for probe in ("readinessProbe", "livenessProbe"):
        check = gateway_container()[probe]
        assert (check.get("tcpSocket") or check["httpGet"])["port"] in container_ports
    assert container_of(WORKER)["livenessProbe"]["tcpSocket"]["port"] in {p["name"] for p in container_of(WORKER)["ports"]}


def test_the_token_comes_from_the_secret_the_example_shows() -> None:
    (token,) = [e for e in gateway_container()["env"] if e["name"] == "PYSTREAM_TOKEN"]
    assert "value" not in token
    reference = token["valueFrom"]["secretKeyRef"]
    (secret,) = k8s("secret.example.yaml")
    assert secret["kind"] == "Secret"
    assert secret["metadata"]["name"] == reference["name"]
    assert list(secret["stringData"]) == [reference["key"]]


def test_the_kustomization_lists_the_gateway_and_not_the_example_secret() -> None:
    (kustomization,) = k8s("kustomization.yaml")
    resources = kustomization["resources"]
    assert all((K8S / r).exists() for r in resources)
    assert {"gateway.yaml", "workers.yaml"} <= set(resources) and "secret.example.yaml" not in resources
