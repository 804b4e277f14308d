"""The cluster's control plane as processes on loopback: `./pystream gateway --cluster` and
`./pystream worker` register, beat, get lost and come back; REST shows them under Flink's names."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Iterator

import pytest

from cluster_process import Worker, free_port, listed, poll  # noqa: F401 (the cluster tests import them from here too)
from gateway_process import Gateway

# Short, so a silent worker is lost within seconds; the interval well below it.
HEARTBEATS = ("--cluster", "--heartbeat-interval", "200 ms", "--heartbeat-timeout", "3 s")


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


@pytest.fixture
def gateways() -> Iterator[list[Gateway]]:
    started: list[Gateway] = []
    yield started
    for gateway in started:
        gateway.stop()


def test_two_workers_are_listed_with_their_slots_and_a_killed_one_is_lost(tmp_path: Path, gateways: list[Gateway],
                                                                          workers: list[Worker]) -> None:
    address_file = tmp_path / "address.json"
    gateway = Gateway(tmp_path / "data", args=(*HEARTBEATS, "--address-file", str(address_file)))
    gateways.append(gateway)
    # Written just after the gateway logs where it listens.
    assert json.loads(poll("the address file", address_file.read_text, timeout_s=10))["rpc"] == gateway.rpc
    overview = gateway.get("/overview")
    assert (overview["taskmanagers"], overview["slots-total"], overview["slots-available"]) == (0, 0, 0)

    before_ms = int(time.time() * 1000)
    workers.extend([Worker(gateway.rpc, slots=2), Worker(gateway.rpc, slots=3)])
    ids = [worker.registered_id() for worker in workers]
    tms = poll("both workers listed", lambda: found if len(found := listed(gateway)) == 2 else None)
    assert sorted(tms) == sorted(ids)
    assert [tms[i]["slotsNumber"] for i in ids] == [2, 3]
    assert [tms[i]["freeSlots"] for i in ids] == [2, 3]  # no job runs yet
    for tm in tms.values():
        host, port = tm["path"].removeprefix("grpc://").rsplit(":", 1)
        assert host == "127.0.0.1" and int(port) == tm["dataPort"] > 0
        assert tm["id"].startswith(f"127.0.0.1:{tm['dataPort']}-")
        assert before_ms <= tm["timeSinceLastHeartbeat"] <= int(time.time() * 1000)  # Flink's name for the last beat's time
        assert tm["hardware"]["cpuCores"] == os.cpu_count()
        assert tm["hardware"]["physicalMemory"] > 0 and 0 < tm["hardware"]["freeMemory"] <= tm["hardware"]["physicalMemory"]
    overview = gateway.get("/overview")
    assert (overview["taskmanagers"], overview["slots-total"], overview["slots-available"]) == (2, 5, 5)
    details = gateway.get(f"/taskmanagers/{ids[0]}")
    assert (details["id"], details["slotsNumber"], details["allocatedSlots"]) == (ids[0], 2, [])
    status, answer = gateway.request("GET", "/taskmanagers/no-such-worker")
    assert (status, answer) == (404, {"errors": ["no worker (taskmanager) with id 'no-such-worker'"]})

    # Heartbeats keep coming: the last one moves on.
    first_beat = tms[ids[1]]["timeSinceLastHeartbeat"]
    poll("a later heartbeat", lambda: listed(gateway)[ids[1]]["timeSinceLastHeartbeat"] > first_beat, timeout_s=10)

    workers[0].signal(signal.SIGKILL)
    poll("the killed worker gone", lambda: list(listed(gateway)) == [ids[1]], timeout_s=10)
    overview = gateway.get("/overview")
    assert (overview["taskmanagers"], overview["slots-total"], overview["slots-available"]) == (1, 3, 3)

    # Stopped as an operator would (SIGTERM): it ends cleanly and leaves at once, not after a timeout.
    workers[1].process.terminate()
    assert workers[1].process.wait(timeout=60) == 0, workers[1].log
    poll("the stopped worker gone", lambda: listed(gateway) == {}, timeout_s=2, logs=lambda: "".join(gateway.log))
    log = gateway.stop()
    assert f"worker {ids[0]} lost" in log and f"worker {ids[1]} lost" in log


def test_a_silent_worker_is_lost_after_the_heartbeat_timeout_and_registers_again(tmp_path: Path, gateways: list[Gateway],
                                                                                 workers: list[Worker]) -> None:
    gateway = Gateway(tmp_path / "data", args=HEARTBEATS)
    gateways.append(gateway)
    worker = Worker(gateway.rpc, slots=1)
    workers.append(worker)
    first = worker.registered_id()
    poll("the worker listed", lambda: first in listed(gateway))

    # Stopped, its connection stays open but it beats no more: only the timeout (3 s) finds it.
    worker.signal(signal.SIGSTOP)
    stopped = time.monotonic()
    poll("the silent worker lost", lambda: not listed(gateway), timeout_s=30)
    assert time.monotonic() - stopped >= 2.5, "lost before its heartbeat timeout"
    poll("the reason in the coordinator's log", lambda: "heartbeat.timeout is 3000 ms" in "".join(gateway.log), timeout_s=10)

    worker.signal(signal.SIGCONT)
    poll("registered again", lambda: worker.log.count("registered with the coordinator") == 2)
    again = worker.registered_id()
    assert again != first
    assert list(poll("listed again", lambda: listed(gateway))) == [again]


def test_a_worker_without_the_clusters_token_is_refused(tmp_path: Path, gateways: list[Gateway], workers: list[Worker]) -> None:
    gateway = Gateway(tmp_path / "data", token="the-cluster-token", args=HEARTBEATS)
    gateways.append(gateway)
    for token, why in (("a-wrong-token", "sent another PYSTREAM_TOKEN"), (None, "has no PYSTREAM_TOKEN")):
        worker = Worker(gateway.rpc, slots=1, token=token)
        workers.append(worker)
        assert worker.process.wait(timeout=60) == 2
        worker.wait_for_log(rf"the coordinator at {gateway.rpc} refused this worker: this gateway needs its token.* \(this worker {why}: set the cluster's\)")
    assert listed(gateway) == {}

    admitted = Worker(gateway.rpc, slots=4, token="the-cluster-token")
    workers.append(admitted)
    worker_id = admitted.registered_id()
    assert poll("the worker with the token listed", lambda: listed(gateway))[worker_id]["slotsNumber"] == 4


def test_a_worker_started_before_the_coordinator_registers_once_it_is_up_and_again_after_a_restart(
        tmp_path: Path, gateways: list[Gateway], workers: list[Worker]) -> None:
    rpc_port = free_port()
    coordinator = f"127.0.0.1:{rpc_port}"
    worker = Worker(coordinator, slots=2)
    workers.append(worker)
    # It says where it tried and why it failed, then waits longer each time.
    worker.wait_for_log(rf"cannot register with the coordinator at {coordinator}: Unavailable: .*[Cc]onnection refused.*attempt 2\b")

    args = (*HEARTBEATS, "--rpc-port", str(rpc_port))
    gateway = Gateway(tmp_path / "data", args=args)
    gateways.append(gateway)
    assert gateway.rpc == coordinator
    first = worker.registered_id()
    poll("the early worker listed", lambda: first in listed(gateway))

    gateway.stop()
    restarted = Gateway(tmp_path / "data", args=args)
    gateways.append(restarted)
    poll("registered with the new coordinator", lambda: worker.log.count("registered with the coordinator") == 2,
         logs=lambda: worker.log)
    assert "lost the coordinator at" in worker.log
    assert list(poll("listed by the new coordinator", lambda: listed(restarted))) == [worker.registered_id()]
