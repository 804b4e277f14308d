"""docker/ agrees with itself and with the code: the image, compose, Prometheus and Grafana files, parsed (never run)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from docker_files import (
    COORDINATOR, DOCKER, EXPORTED_METRICS, ROOT, WORKER, apt_packages, command_line, compose,
    compose_gateway_command, copied_from, dashboard, dashboard_file, data_directory, expressions,
    gateway_service, image_ports, k8s_object, mount_of_claim, mounts, option, pod_spec,
    port_mappings, prometheus_config, prometheus_datasource, run_command, runtime, service,
    service_with_image, stage, stages,
)

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
