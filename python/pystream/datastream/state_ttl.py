"""``StateTtlConfig``: time-to-live of keyed state, as in ``pyflink.datastream.state``.

TTL runs on processing time from the engine's clock (injectable in tests). Values of
value, reducing and aggregating state expire whole; list elements and map entries each
on their own, as in Flink. Expired values are dropped when read or written.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = ["StateTtlConfig"]


class StateTtlConfig:
    class UpdateType(Enum):
        Disabled = 0
        OnCreateAndWrite = 1
        OnReadAndWrite = 2

    class StateVisibility(Enum):
        ReturnExpiredIfNotCleanedUp = 0
        NeverReturnExpired = 1

    class TtlTimeCharacteristic(Enum):
        ProcessingTime = 0

    def __init__(self, ttl_ms: int, update_type: "StateTtlConfig.UpdateType",
                 visibility: "StateTtlConfig.StateVisibility", cleanup: tuple[str, ...]) -> None:
        self._ttl = ttl_ms
        self._update_type = update_type
        self._visibility = visibility
        self._cleanup = cleanup

    @staticmethod
    def new_builder(ttl: Any) -> "StateTtlConfig.Builder":
        return StateTtlConfig.Builder(ttl)

    def get_ttl(self) -> Any:
        from pystream.common.time import Time
        return Time.milliseconds(self._ttl)

    def get_update_type(self) -> "StateTtlConfig.UpdateType":
        return self._update_type

    def get_state_visibility(self) -> "StateTtlConfig.StateVisibility":
        return self._visibility

    def get_ttl_time_characteristic(self) -> "StateTtlConfig.TtlTimeCharacteristic":
        return StateTtlConfig.TtlTimeCharacteristic.ProcessingTime

    def is_enabled(self) -> bool:
        return self._update_type is not StateTtlConfig.UpdateType.Disabled

    class Builder:
        def __init__(self, ttl: Any) -> None:
            millis = ttl if isinstance(ttl, int) else int(ttl.to_milliseconds())
            if millis <= 0:
                raise ValueError("the TTL must be positive")
            self._ttl = millis
            self._update_type = StateTtlConfig.UpdateType.OnCreateAndWrite
            self._visibility = StateTtlConfig.StateVisibility.NeverReturnExpired
            self._cleanup: tuple[str, ...] = ()
            self._background = True

        def set_update_type(self, update_type: "StateTtlConfig.UpdateType") -> "StateTtlConfig.Builder":
            self._update_type = update_type
            return self

        def update_ttl_on_create_and_write(self) -> "StateTtlConfig.Builder":
            return self.set_update_type(StateTtlConfig.UpdateType.OnCreateAndWrite)

        def update_ttl_on_read_and_write(self) -> "StateTtlConfig.Builder":
            return self.set_update_type(StateTtlConfig.UpdateType.OnReadAndWrite)

        def set_state_visibility(self, visibility: "StateTtlConfig.StateVisibility") -> "StateTtlConfig.Builder":
            self._visibility = visibility
            return self

        def return_expired_if_not_cleaned_up(self) -> "StateTtlConfig.Builder":
            return self.set_state_visibility(StateTtlConfig.StateVisibility.ReturnExpiredIfNotCleanedUp)

        def never_return_expired(self) -> "StateTtlConfig.Builder":
            return self.set_state_visibility(StateTtlConfig.StateVisibility.NeverReturnExpired)

        def set_ttl_time_characteristic(self, characteristic: Any) -> "StateTtlConfig.Builder":
            return self

        def use_processing_time(self) -> "StateTtlConfig.Builder":
            return self

        # Expired values are dropped when read; these strategies (carried out by the engine's
        # state backends) also remove those never read again. As in Flink, background cleanup
        # is on unless disabled: incremental (5 entries) on the heap, the compaction filter
        # (time queried every 1,000 entries) on RocksDB.
        def cleanup_full_snapshot(self) -> "StateTtlConfig.Builder":
            self._cleanup += ("full_snapshot",)
            return self

        def cleanup_incrementally(self, cleanup_size: int, run_cleanup_for_every_record: bool) -> "StateTtlConfig.Builder":
            self._cleanup += (f"incremental:{int(cleanup_size)}:{int(bool(run_cleanup_for_every_record))}",)
            return self

        def cleanup_in_rocksdb_compact_filter(self, query_time_after_num_entries: int, *args: Any) -> "StateTtlConfig.Builder":
            self._cleanup += (f"compaction:{int(query_time_after_num_entries)}",)
            return self

        def disable_cleanup_in_background(self) -> "StateTtlConfig.Builder":
            self._background = False
            return self

        def set_ttl(self, ttl: Any) -> "StateTtlConfig.Builder":
            self._ttl = ttl if isinstance(ttl, int) else int(ttl.to_milliseconds())
            return self

        def build(self) -> "StateTtlConfig":
            return StateTtlConfig(self._ttl, self._update_type, self._visibility,
                                  self._cleanup + (("background",) if self._background else ()))
