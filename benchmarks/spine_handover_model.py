"""What one worker of the cluster spine does to CPython's memory, in plain Python with no engine.

One thread, one process: each batch of records is made (`map`), keyed, split in two by key; the half that
leaves is pickled and freed at once (the network channel), the half that stays is queued as objects (the
local channel) behind `lag` batches, as a task's input gate holds them, and so is the other worker's pickled
half, unpickled when it is reduced. The variants differ only in how the staying half waits:

- objects: as the engine hands it over today (a list of the records themselves);
- pickled: as bytes, unpickled by the consumer when it runs them.

With objects, each batch's records are freed in two halves far apart in time, which leaves CPython's
memory pools half used; later records are scattered over the holes, and every pass over a batch misses the
cache on each record. Prints core-µs per record (thread CPU time) for each variant and for the same work
fused (no split, no queue), best of 3.

    python3 benchmarks/spine_handover_model.py [BATCH LAG]
"""

from __future__ import annotations

import pickle
import sys
import time
from collections import deque
from operator import itemgetter

COUNT = 3_000_000
KEYS = 1000
to_pair = lambda n: (n % KEYS, n)  # noqa: E731
add = lambda a, b: (a[0], a[1] + b[1])  # noqa: E731
key_of = itemgetter(0)


def reduce_into(state: dict, records: list) -> None:
    get = state.get
    for record in records:
        key = key_of(record)
        current = get(key)
        state[key] = record if current is None else add(current, record)


def core_us(variant: str, batch: int, lag: int) -> float:
    state: dict = {}
    waiting: deque = deque()
    started = time.thread_time()
    for first in range(1, COUNT + 1, batch):
        pairs = list(map(to_pair, range(first, min(first + batch, COUNT + 1))))
        keys = list(map(key_of, pairs))
        if variant == "fused":
            reduce_into(state, pairs)
            continue
        stays, leaves = pairs[0::2], pairs[1::2]  # about what a split by key group gives
        del pairs, keys
        arrived = pickle.dumps(leaves, pickle.HIGHEST_PROTOCOL)  # sent; the other worker sends one like it
        del leaves
        waiting.append(pickle.dumps(stays, pickle.HIGHEST_PROTOCOL) if variant == "pickled" else stays)
        waiting.append(arrived)
        del stays, arrived
        while len(waiting) > 2 * lag:
            item = waiting.popleft()
            reduce_into(state, pickle.loads(item) if type(item) is bytes else item)
    while waiting:
        item = waiting.popleft()
        reduce_into(state, pickle.loads(item) if type(item) is bytes else item)
    elapsed = time.thread_time() - started
    # The arrived half stands for the other worker's: it is this batch's leaving half, so every record is reduced once.
    assert sum(total for _, total in state.values()) == COUNT * (COUNT + 1) // 2, variant
    return elapsed / COUNT * 1e6


def main() -> None:
    batch, lag = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (25_600, 8)
    print(f"batches of {batch:,} records, {lag} batches waiting before the consumer, {COUNT:,} records")
    for variant in ("fused", "objects", "pickled"):
        print(f"{variant:8s}: {min(core_us(variant, batch, lag) for _ in range(3)):.3f} core-us per record")


if __name__ == "__main__":
    main()
