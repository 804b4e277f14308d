"""docker/k8s agrees with the image, compose and the code: the coordinators, the workers, their services, autoscaler, claim and token, parsed (never run)."""

from __future__ import annotations

import json
import re

from docker_files import (
    COORDINATOR, K8S, ROOT, WORKER, command_line, compose_gateway_command, container_of,
    gateway_container, gateway_service, k8s, k8s_object, mount_of_claim, option, options_read_by,
    pod_spec, runtime, service,
)

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
    # The workers it adds are used: jobs run in reactive mode by default (the gateway's -D, the engine's key).
    scaling = (ROOT / "engine" / "PyStream.Engine" / "Runtime" / "Cluster" / "ElasticScaling.cs").read_text()
    key = re.search(r'ModeKey = "([^"]+)"', scaling).group(1)
    assert option(gateway_container()["args"], "-D") == f"{key}=reactive"


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
