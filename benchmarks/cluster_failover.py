"""Failover benchmark (issue 16): `kill -9` of a worker with 1M keys of RocksDB state, to the first record after the restart.

Starts `./pystream gateway --cluster` and two `./pystream worker --slots 1` on loopback, and submits a job
(numbers -> key_by(n mod 1M) -> a KeyedProcessFunction counting per key in ValueState, embedded RocksDB with
incremental checkpoints every second, parallelism 1: it runs on one worker, the other is spare). Once every key
has state and a checkpoint completed after that, it kills the job's worker and prints the time from the kill to
the first record the keyed function processes in the restarted attempt (restored from that checkpoint on the
spare worker). Every process it starts is stopped at its end.

Parallelism 1 keeps Python records off the network between workers (docs/cluster.md: a known defect at volume).

    .venv/bin/python benchmarks/cluster_failover.py [RECORDS]
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from cluster_process import Cluster  # noqa: E402 (the e2e tests' process helpers, not copied here)

KEYS = 1_000_000


def job(records: int, markers: str, checkpoints: str) -> None:
    """The job itself, run as `python cluster_failover.py --job ...` against the gateway."""
    from pyflink.common import Types, WatermarkStrategy
    from pyflink.common.restart_strategy import RestartStrategies
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.datastream.connectors.number_seq import NumberSequenceSource
    from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
    from pyflink.datastream.state import ValueStateDescriptor
    from pyflink.datastream.state_backend import EmbeddedRocksDBStateBackend

    killed, recovered, full = (os.path.join(markers, name) for name in ("killed", "recovered", "full"))

    class Count(KeyedProcessFunction):
        def open(self, runtime_context: RuntimeContext) -> None:
            self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))
            self.watching = True

        def process_element(self, value, ctx):
            self.count.update((self.count.value() or 0) + 1)
            if self.watching:
                if os.path.exists(killed):
                    self.watching = False  # this instance runs after the kill: the first record since then
                    mark(recovered)
                elif value >= KEYS:
                    mark(full)
            return iter(())

    def mark(path: str) -> None:
        try:
            with open(path, "x") as marker:
                marker.write(repr(time.time()))
        except FileExistsError:
            pass

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.set_state_backend(EmbeddedRocksDBStateBackend(True))
    env.enable_checkpointing(1000)
    env.get_checkpoint_config().set_checkpoint_storage_dir(checkpoints)
    env.set_restart_strategy(RestartStrategies.fixed_delay_restart(1, 0))
    (env.from_source(NumberSequenceSource(0, records - 1), WatermarkStrategy.no_watermarks(), "numbers")
        .key_by(lambda n: n % KEYS, Types.LONG())
        .process(Count()).uid("count")
        .print())
    env.execute("cluster failover benchmark")


def wait_until(what: str, condition, timeout_s: float = 300, alive: subprocess.Popen | None = None, logs=str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if alive is not None and alive.poll() is not None:
            raise SystemExit(f"the job ended (exit code {alive.returncode}) while waiting for {what}: {alive.stderr.read()}\n{logs()}")
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> None:
    if sys.argv[1:2] == ["--job"]:
        job(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    # More than it reaches before it is stopped: the source must still run when the worker is killed.
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000_000
    work = Path(tempfile.mkdtemp(prefix="pystream-bench-failover-"))
    markers, checkpoints = work / "markers", work / "checkpoints"
    markers.mkdir()
    cluster = Cluster(work / "data")
    gateway = cluster.gateway
    try:
        workers = cluster.add_workers(2, slots=1)
        ids = [worker.registered_id() for worker in workers]
        client = cluster.start(__file__, "--job", str(records), str(markers), str(checkpoints), stdout=subprocess.DEVNULL)
        full_at = float(wait_until("every key to have state", lambda: (markers / "full").exists() and (markers / "full").read_text(), alive=client, logs=lambda: "".join(gateway.log[-40:])))
        wait_until("a checkpoint after every key had state",
                   lambda: any(m.stat().st_mtime > full_at for m in checkpoints.glob("*/chk-*/_metadata")), alive=client, logs=lambda: "".join(gateway.log[-40:]))
        get = gateway.get
        jid = get("/jobs/overview")["jobs"][0]["jid"]
        victim = workers[ids.index(get(f"/jobs/{jid}/vertices/0")["subtasks"][0]["taskmanager-id"])]
        killed_at = time.time()
        victim.signal(signal.SIGKILL)
        victim.process.wait(30)
        # Marked only once the worker is gone: its function, seeing the marker first, could start the 'recovered' marker
        # and die before writing it, and the restarted function would find the empty file and never mark its first record.
        (markers / "killed").write_text("")
        recovered_at = float(wait_until("the first record after the restart",
                                        lambda: (markers / "recovered").exists() and (markers / "recovered").read_text(), alive=client, logs=lambda: "".join(gateway.log[-40:])))
        checkpoints_stats = get(f"/jobs/{jid}/checkpoints")
        restored = checkpoints_stats["latest"]["restored"]
        print(f"workload: numbers -> key_by(n mod {KEYS:,}) -> ValueState count, RocksDB incremental checkpoints every 1 s, "
              f"parallelism 1 on one of 2 workers (1 slot each)")
        print(f"restored checkpoint {restored['id']} ({sum(f.stat().st_size for f in Path(restored['external_path']).parent.rglob('*') if f.is_file()) / 1e6:.0f} MB "
              f"in the job's checkpoint directory); checkpoints so far: {checkpoints_stats['counts']}")
        failed_at = get(f"/jobs/{jid}/exceptions")["exceptionHistory"]["entries"][0]["timestamp"] / 1000
        print(f"failover: {(recovered_at - killed_at) * 1000:.0f} ms from kill -9 of a worker to the first record processed after the restart "
              f"(goal < 5000 ms); load average {os.getloadavg()[0]:.1f}")
        print(f"  of which: {(failed_at - killed_at) * 1000:.0f} ms to the attempt's failure, {(restored['restore_timestamp'] / 1000 - failed_at) * 1000:.0f} ms "
              f"to the next attempt, {(recovered_at - restored['restore_timestamp'] / 1000) * 1000:.0f} ms from then to the first record "
              f"(deploying, restoring, the source's first batch)")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
