"""Keyed state descriptors and the state interfaces, as in ``pyflink.datastream.state``.

A descriptor names a state; ``runtime_context.get_state(descriptor)`` and friends return
the state of the current key. The values live in the engine's state backend.
"""

from __future__ import annotations

import abc
from typing import Any, Iterable, Iterator

from pystream.common.generic import Subscriptable
from pystream.common.typeinfo import TypeInformation
from pystream.datastream.state_ttl import StateTtlConfig

__all__ = [
    "StateDescriptor",
    "ValueStateDescriptor",
    "ListStateDescriptor",
    "MapStateDescriptor",
    "ReducingStateDescriptor",
    "AggregatingStateDescriptor",
    "State",
    "ValueState",
    "ListState",
    "MapState",
    "ReducingState",
    "AggregatingState",
    "StateTtlConfig",
]


class StateDescriptor(Subscriptable, abc.ABC):
    def __init__(self, name: str, type_info: TypeInformation | None) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError("a state descriptor needs a non-empty name")
        self.name = name
        self.type_info = type_info
        self.ttl_config: Any = None

    def get_name(self) -> str:
        return self.name

    def enable_time_to_live(self, ttl_config: Any) -> None:
        self.ttl_config = ttl_config if ttl_config is not None and ttl_config.is_enabled() else None


class ValueStateDescriptor(StateDescriptor):
    def __init__(self, name: str, value_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, value_type_info)


class ListStateDescriptor(StateDescriptor):
    def __init__(self, name: str, elem_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, elem_type_info)


class MapStateDescriptor(StateDescriptor):
    def __init__(self, name: str, key_type_info: TypeInformation | None = None,
                 value_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, value_type_info)
        self.key_type_info = key_type_info


class ReducingStateDescriptor(StateDescriptor):
    def __init__(self, name: str, reduce_function: Any, type_info: TypeInformation | None = None) -> None:
        super().__init__(name, type_info)
        self.reduce_function = reduce_function

    def get_reduce_function(self) -> Any:
        return self.reduce_function


class AggregatingStateDescriptor(StateDescriptor):
    def __init__(self, name: str, agg_function: Any, state_type_info: TypeInformation | None = None) -> None:
        super().__init__(name, state_type_info)
        self.agg_function = agg_function

    def get_agg_function(self) -> Any:
        return self.agg_function


class State(Subscriptable, abc.ABC):
    @abc.abstractmethod
    def clear(self) -> None:
        ...


class ValueState(State):
    @abc.abstractmethod
    def value(self) -> Any:
        ...

    @abc.abstractmethod
    def update(self, value: Any) -> None:
        ...


class ListState(State):
    @abc.abstractmethod
    def get(self) -> Iterable[Any]:
        ...

    @abc.abstractmethod
    def add(self, value: Any) -> None:
        ...

    @abc.abstractmethod
    def add_all(self, values: Iterable[Any]) -> None:
        ...

    @abc.abstractmethod
    def update(self, values: Iterable[Any]) -> None:
        ...

    def __iter__(self) -> Iterator[Any]:
        return iter(self.get())


class MapState(State):
    @abc.abstractmethod
    def get(self, key: Any) -> Any:
        ...

    @abc.abstractmethod
    def put(self, key: Any, value: Any) -> None:
        ...

    @abc.abstractmethod
    def put_all(self, dict_value: dict) -> None:
        ...

    @abc.abstractmethod
    def remove(self, key: Any) -> None:
        ...

    @abc.abstractmethod
    def contains(self, key: Any) -> bool:
        ...

    @abc.abstractmethod
    def items(self) -> Iterable[tuple[Any, Any]]:
        ...

    @abc.abstractmethod
    def keys(self) -> Iterable[Any]:
        ...

    @abc.abstractmethod
    def values(self) -> Iterable[Any]:
        ...

    @abc.abstractmethod
    def is_empty(self) -> bool:
        ...

    def __getitem__(self, key: Any) -> Any:
        return self.get(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self.put(key, value)

    def __delitem__(self, key: Any) -> None:
        self.remove(key)

    def __contains__(self, key: Any) -> bool:
        return self.contains(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys())


class ReducingState(State):
    @abc.abstractmethod
    def get(self) -> Any:
        ...

    @abc.abstractmethod
    def add(self, value: Any) -> None:
        ...


class AggregatingState(State):
    @abc.abstractmethod
    def get(self) -> Any:
        ...

    @abc.abstractmethod
    def add(self, value: Any) -> None:
        ...
