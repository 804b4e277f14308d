"""The engine's entry points into Python: load a job, build segments, move batches.

The C# bridge calls these with the GIL held. Nothing here decides what runs where: the
engine does; this module only runs the user's functions over the batches it is handed.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
from array import array
from collections import Counter
from itertools import compress
from typing import Any

import cloudpickle

from pystream._proto import jobspec_pb2 as spec_pb
from pystream._runtime.cep import CepRunner, create_cep_runner
from pystream._runtime.factory import build_window_operation
from pystream._runtime.segment import Segment
from pystream._runtime.sql_functions import ScalarCalls
from pystream._runtime.sql_table_functions import AggregateCalls, TableCall
from pystream._runtime.table_rows import columns_to_records, records_to_columns
from pystream._runtime.window import create_runner

__all__ = ["load_job", "JobRuntime", "split", "round_robin", "share", "pickle_batch", "unpickle_batch"]

_DEFAULT_STATE_CACHE_SIZE = 10_000

# The sys.path entries that jobs of this process added, each with how many live jobs use it. An entry
# the process had before (the script's directory in `./pystream run`) is never counted, so never removed.
_JOB_PATHS: Counter[str] = Counter()


class JobRuntime:
    """A job's Python side in this process."""

    def __init__(self, spec: spec_pb.JobSpec) -> None:
        self.spec = spec
        self.transformations = {t.id: t for t in spec.transformations}
        self.job_parameters = dict(spec.job_parameters)
        self.batch_mode = spec.mode == spec_pb.BATCH
        self.state_cache_size = int(spec.configuration.get("python.state.cache-size", _DEFAULT_STATE_CACHE_SIZE))
        self._collections: dict[int, list] = {}
        self._paths: list[str] = []
        for path in spec.python_files:
            if _JOB_PATHS[path] or path not in sys.path:
                if path not in sys.path:
                    sys.path.append(path)
                _JOB_PATHS[path] += 1
                self._paths.append(path)

    def create_segment(self, description: str, host: Any) -> Segment:
        return Segment(self, json.loads(description), host)

    def create_window(self, transformation_id: int, task_description: str, host: Any) -> Any:
        transformation = self.transformations[transformation_id]
        operation = build_window_operation(transformation.window)
        return create_runner(self, transformation, operation, task_description, host)

    def create_cep(self, transformation_id: int, task_description: str, host: Any) -> CepRunner:
        return create_cep_runner(self, self.transformations[transformation_id], task_description, host)

    def create_scalar_calls(self, description: str) -> ScalarCalls:
        return ScalarCalls(self, description)

    def create_table_call(self, description: str) -> TableCall:
        return TableCall(self, description)

    def create_aggregate_calls(self, description: str) -> AggregateCalls:
        return AggregateCalls(self, description)

    def records_to_columns(self, records: list, types: list, changelog: bool) -> tuple:
        return records_to_columns(records, [str(t) for t in types], bool(changelog))

    def columns_to_records(self, count: int, packed: list, kinds: bytes | None, names: list, types: list) -> list:
        return columns_to_records(count, packed, kinds, [str(n) for n in names], [str(t) for t in types])

    def collection_slice(self, transformation_id: int, start: int, end: int) -> list:
        elements = self._collections.get(transformation_id)
        if elements is None:
            source = self.transformations[transformation_id].source.collection
            elements = self._collections[transformation_id] = cloudpickle.loads(source.elements)
        return elements[start:end]

    def close(self) -> None:
        self._collections.clear()
        for path in self._paths:
            _JOB_PATHS[path] -= 1
            if not _JOB_PATHS[path]:
                del _JOB_PATHS[path]
                _forget_path(path)
        self._paths.clear()


def _forget_path(path: str) -> None:
    """Takes a job's file directory off sys.path with the modules imported from it, so the next job that
    brings a module of the same name imports its own."""
    if path in sys.path:
        sys.path.remove(path)
    sys.path_importer_cache.pop(path, None)
    inside = os.path.join(path, "")
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and file.startswith(inside):
            del sys.modules[name]


def load_job(spec: bytes) -> JobRuntime:
    return JobRuntime(spec_pb.JobSpec.FromString(spec))


def split(records: list, targets: bytes, count: int) -> list:
    """Record i goes to part ``targets[i]`` (int32s in native order); empty parts are None."""
    if count <= _MASKED_SPLIT_MOST and sys.byteorder == "little":
        # A few parts: each one picked out by a byte mask, at C speed (no Python bytecode per record).
        low = targets[0::4]
        return [list(compress(records, low.translate(_PART_MASKS[part]))) or None for part in range(count)]
    indexes = array("i")
    indexes.frombytes(targets)
    parts: list[list] = [[] for _ in range(count)]
    appends = [part.append for part in parts]
    for record, target in zip(records, indexes):
        appends[target](record)
    return [part or None for part in parts]


def split_pickled(records: list, targets: bytes, count: int) -> list:
    """``split``, then each part pickled as ``pickle_batch`` does (bytes, or None for an empty part), in the
    same call while the records are still in this core's cache. The parts are handed to other tasks, in this
    process or over the network, and the records freed together here, instead of one part's records staying
    alive in a consumer's queue among the freed ones. Records that plain pickle refuses (a lock, a class
    pickle cannot find by name) come back as the lists ``split`` gives: objects are what such records
    always crossed as between tasks of one process, and a network channel pickles them by value.
    """
    parts = split(records, targets, count)
    try:
        return [None if part is None else _pickle_plain(part) for part in parts]
    except Exception:  # noqa: BLE001 - any record pickle refuses: the parts cross as objects instead
        return parts


def _pickle_plain(records: list) -> bytes:
    try:
        return _pickle_without_memo(records)
    except ValueError:  # an object that refers to itself: only the memo can write it
        return pickle.dumps(records, pickle.HIGHEST_PROTOCOL)


# Up to this many parts, split picks each part out with a mask (one pass over the batch per part);
# beyond it, one Python loop over the batch is cheaper.
_MASKED_SPLIT_MOST = 8
# Per part: a bytes.translate table that maps the part's number to 1 and every other byte to 0.
_PART_MASKS = [bytes(int(value == part) for value in range(256)) for part in range(_MASKED_SPLIT_MOST)]


def round_robin(records: list, first: int, count: int) -> list:
    """Record i goes to part ``(first + i) mod count``."""
    return [records[(target - first) % count::count] or None for target in range(count)]


def take(records: list, count: int) -> tuple[list, list]:
    """The first ``count`` records and the rest (list slicing: no Python loop per record)."""
    return records[:count], records[count:]


def share(records: Any) -> Any:
    return records


def pickle_batch(records: list) -> bytes:
    """A whole batch as one pickle, for a network channel (one call per batch).

    Without the pickler's memo: as in Flink, where each record is serialized on its own, records do not
    share objects across a network channel; the memo would cost a dict entry per tuple. A batch the
    memo-less pickler refuses (an object that refers to itself) is pickled with the memo.
    """
    try:
        return _pickle_plain(records)
    except (pickle.PicklingError, AttributeError, TypeError):
        # Records of classes defined in the job's script (``__main__``) pickle by value.
        return cloudpickle.dumps(records, pickle.HIGHEST_PROTOCOL)


def _pickle_without_memo(records: list) -> bytes:
    output = io.BytesIO()
    pickler = pickle.Pickler(output, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(records)
    return output.getvalue()


def unpickle_batch(data: bytes) -> list:
    """The batch ``pickle_batch`` made, on the receiving worker."""
    records = pickle.loads(data)
    if not isinstance(records, list):
        raise TypeError(f"a pickled batch must be a list, not {type(records).__name__}")
    return records
