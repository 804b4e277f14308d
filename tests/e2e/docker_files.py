"""Parsers of docker/ shared by the tests that check it against the code: the image's stages, compose, Prometheus, Grafana and the Kubernetes manifests."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
