"""PyFlink's ``pyflink.table.udf``: Python user-defined functions for SQL and the Table API.

A function only describes here: ``udf(f, result_type=...)`` wraps the function with its types,
and registering it (``TableEnvironment.create_temporary_function``) sends the pickled function
and its type texts to the engine, which types its calls and plans a Python operator that
evaluates them over whole batches in the job's Python worker (``pystream._runtime.sql_functions``).
"""

from __future__ import annotations

import abc
import functools
import importlib
from typing import Any

import cloudpickle

from pystream._proto import sql_pb2
from pystream.table.types import DataType
from pystream.util.exceptions import ValidationException

__all__ = [
    "FunctionContext", "UserDefinedFunction", "ScalarFunction", "TableFunction", "AggregateFunction",
    "UserDefinedFunctionWrapper", "UserDefinedScalarFunctionWrapper", "UserDefinedTableFunctionWrapper",
    "UserDefinedAggregateFunctionWrapper", "udf", "udtf", "udaf",
]


class FunctionContext:
    """What ``open`` gets: the job's parameters (``pipeline.global-job-parameters``)."""

    def __init__(self, job_parameters: dict[str, str] | None = None, metric_group: Any = None) -> None:
        self._job_parameters = dict(job_parameters or {})
        self._metric_group = metric_group

    def get_metric_group(self) -> Any:
        """User metrics are not offered to Python SQL functions yet: None."""
        return self._metric_group

    def get_job_parameter(self, key: str, default_value: str) -> str:
        return self._job_parameters.get(key, default_value)


class UserDefinedFunction(abc.ABC):
    """The base of the class forms of user-defined functions."""

    def open(self, function_context: FunctionContext) -> None:
        """Called once per parallel instance before the first evaluation."""

    def close(self) -> None:
        """Called once per parallel instance after the last evaluation."""

    def is_deterministic(self) -> bool:
        return True


class ScalarFunction(UserDefinedFunction):
    """A scalar function: ``eval`` maps the arguments of one row to one value."""

    @abc.abstractmethod
    def eval(self, *args: Any) -> Any:
        ...


class TableFunction(UserDefinedFunction):
    """A table function: ``eval`` yields the rows (tuples, Rows, or single values) of one input row."""

    @abc.abstractmethod
    def eval(self, *args: Any) -> Any:
        ...


class AggregateFunction(UserDefinedFunction):
    """An aggregate function over an accumulator: ``create_accumulator``, ``accumulate`` each row,
    ``retract`` a row taken back (needed when the input is a changelog), ``get_value``."""

    @abc.abstractmethod
    def get_value(self, accumulator: Any) -> Any:
        ...

    @abc.abstractmethod
    def create_accumulator(self) -> Any:
        ...

    @abc.abstractmethod
    def accumulate(self, accumulator: Any, *args: Any) -> None:
        ...

    def merge(self, accumulator: Any, accumulators: Any) -> None:
        """Merges accumulators into one (not called by PyStream's group aggregate)."""
        raise NotImplementedError

    def get_result_type(self) -> Any:
        """The result type when ``udaf`` is not given one."""
        return None

    def get_accumulator_type(self) -> Any:
        """The accumulator type when ``udaf`` is not given one (accumulators are kept pickled)."""
        return None


class UserDefinedFunctionWrapper:
    """A function with the types the engine needs (what ``udf`` returns)."""

    def __init__(self, func: Any, input_types: Any, func_type: str, deterministic: bool | None = None,
                 name: str | None = None) -> None:
        if not callable(func) and not isinstance(func, UserDefinedFunction):
            raise TypeError(f"Invalid function: not a function or callable (__call__ is not defined): {type(func)}")
        if func_type != "general":
            raise NotImplementedError(f"func_type={func_type!r} (Pandas functions) is not supported by PyStream yet; "
                                      "use func_type='general'")
        if input_types is not None and not isinstance(input_types, (list, tuple)):
            input_types = [input_types]
        for input_type in input_types or ():
            if not isinstance(input_type, (DataType, str)):
                raise TypeError(f"Invalid input_type: input_type should be DataType or str but is {input_type!r}")
        self._func = func
        self._input_types = list(input_types) if input_types is not None else None
        self._func_type = func_type
        self._deterministic = deterministic if deterministic is not None else (
            func.is_deterministic() if isinstance(func, UserDefinedFunction) else True)
        self._name = name or _function_name(func)

    def __call__(self, *args: Any) -> Any:
        """A call in a Table API expression (``t.select(f(col('a')))``)."""
        try:
            from pystream.table.expressions import call  # type: ignore[attr-defined]
        except ImportError:
            raise NotImplementedError("calling a Python function in a Table API expression is not supported by PyStream "
                                      "yet: register it with create_temporary_function and call it in SQL") from None
        return call(self, *args)

    def _kind(self) -> str:
        raise NotImplementedError


class UserDefinedScalarFunctionWrapper(UserDefinedFunctionWrapper):
    """A scalar function with its result type."""

    def __init__(self, func: Any, input_types: Any, result_type: Any, func_type: str,
                 deterministic: bool | None = None, name: str | None = None) -> None:
        if not isinstance(result_type, (DataType, str)):
            raise TypeError(f"Invalid returnType: returnType should be DataType or str but is {result_type}")
        super().__init__(func, input_types, func_type, deterministic, name)
        self._result_type = result_type

    def _kind(self) -> str:
        return "scalar"


class UserDefinedTableFunctionWrapper(UserDefinedFunctionWrapper):
    """A table function with the types of its result columns (named f0, f1, ...)."""

    def __init__(self, func: Any, input_types: Any, result_types: Any, func_type: str,
                 deterministic: bool | None = None, name: str | None = None) -> None:
        if not isinstance(result_types, (list, tuple)):
            result_types = [result_types]
        for result_type in result_types:
            if not isinstance(result_type, (DataType, str)):
                raise TypeError(f"Invalid result_type: result_type should be DataType or str but is {result_type!r}")
        if not result_types:
            raise TypeError("Invalid result_types: a table function needs at least one result type")
        super().__init__(func, input_types, func_type, deterministic, name)
        self._result_types = list(result_types)
        self._result_type = "ROW<" + ", ".join(f"f{i} {t}" for i, t in enumerate(self._result_types)) + ">"

    def _kind(self) -> str:
        return "table"


class UserDefinedAggregateFunctionWrapper(UserDefinedFunctionWrapper):
    """An aggregate function with its result type (and accumulator type, which PyStream does not need)."""

    def __init__(self, func: Any, input_types: Any, result_type: Any, accumulator_type: Any, func_type: str,
                 deterministic: bool | None = None, name: str | None = None) -> None:
        if not isinstance(func, AggregateFunction):
            raise TypeError(f"Invalid function: udaf takes an AggregateFunction, not {type(func).__name__}")
        result_type = result_type if result_type is not None else func.get_result_type()
        if not isinstance(result_type, (DataType, str)):
            raise TypeError(f"Invalid result_type: result_type should be DataType or str (or get_result_type() should "
                            f"return one) but is {result_type!r}")
        super().__init__(func, input_types, func_type, deterministic, name)
        self._result_type = result_type
        self._accumulator_type = accumulator_type if accumulator_type is not None else func.get_accumulator_type()

    def _kind(self) -> str:
        return "aggregate"


def udf(f: Any = None, input_types: Any = None, result_type: Any = None, deterministic: bool | None = None,
        name: str | None = None, func_type: str = "general", udf_type: str | None = None) -> Any:
    """A scalar function from a Python function, lambda or ``ScalarFunction``; as a decorator too
    (``@udf(result_type=DataTypes.BIGINT())``)."""
    if udf_type is not None:
        func_type = udf_type
    if f is None:
        return functools.partial(_create_udf, input_types=input_types, result_type=result_type,
                                 deterministic=deterministic, name=name, func_type=func_type)
    return _create_udf(f, input_types, result_type, func_type, deterministic, name)


def _create_udf(f: Any, input_types: Any, result_type: Any, func_type: str, deterministic: bool | None,
                name: str | None) -> UserDefinedScalarFunctionWrapper:
    return UserDefinedScalarFunctionWrapper(f, input_types, result_type, func_type, deterministic, name)


def udtf(f: Any = None, input_types: Any = None, result_types: Any = None, deterministic: bool | None = None,
         name: str | None = None, func_type: str = "general", udtf_type: str | None = None) -> Any:
    """A table function from a generator function or ``TableFunction``; as a decorator too
    (``@udtf(result_types=[DataTypes.BIGINT(), DataTypes.STRING()])``)."""
    if udtf_type is not None:
        func_type = udtf_type

    def create(function: Any) -> UserDefinedTableFunctionWrapper:
        return UserDefinedTableFunctionWrapper(function, input_types, result_types, func_type, deterministic, name)

    return create if f is None else create(f)


def udaf(f: Any = None, input_types: Any = None, result_type: Any = None, accumulator_type: Any = None,
         deterministic: bool | None = None, name: str | None = None, func_type: str = "general",
         udaf_type: str | None = None) -> Any:
    """An aggregate function from an ``AggregateFunction``; as a decorator of its class too."""
    if udaf_type is not None:
        func_type = udaf_type

    def create(function: Any) -> UserDefinedAggregateFunctionWrapper:
        if isinstance(function, type) and issubclass(function, AggregateFunction):
            function = function()
        return UserDefinedAggregateFunctionWrapper(function, input_types, result_type, accumulator_type, func_type,
                                                   deterministic, name)

    return create if f is None else create(f)


def _function_name(func: Any) -> str:
    if isinstance(func, UserDefinedFunction):
        return type(func).__name__
    return getattr(func, "__name__", type(func).__name__)


def python_function(name: str, function: Any, temporary: bool, system: bool,
                    qualified_name: str = "") -> sql_pb2.PythonFunction:
    """What the engine gets to register ``function`` (a ``udf`` result) as ``name``."""
    if isinstance(function, ScalarFunction):
        raise TypeError(f"Function '{name}': a ScalarFunction needs its result type: register "
                        f"udf({type(function).__name__}(), result_type=...)")
    if isinstance(function, TableFunction):
        raise TypeError(f"Function '{name}': a TableFunction needs its result types: register "
                        f"udtf({type(function).__name__}(), result_types=[...])")
    if isinstance(function, AggregateFunction):
        function = udaf(function)
    if not isinstance(function, UserDefinedFunctionWrapper):
        raise TypeError(f"Function '{name}': a {type(function).__name__} is not a Python user-defined function; wrap it "
                        "with pyflink.table.udf.udf(f, result_type=...)")
    return sql_pb2.PythonFunction(
        name=name, qualified_name=qualified_name, function=cloudpickle.dumps(function._func),
        result_type=str(function._result_type), input_types=[str(t) for t in function._input_types or ()],  # type: ignore[attr-defined]
        kind=function._kind(), temporary=temporary, system=system, deterministic=function._deterministic)


def resolve(entry: sql_pb2.PythonFunction) -> sql_pb2.PythonFunction:
    """The function that ``CREATE FUNCTION ... AS 'module.fn' LANGUAGE PYTHON`` names, imported."""
    module_name, _, attribute = entry.qualified_name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), attribute) if module_name else None
    except (ImportError, AttributeError) as error:
        raise _validation(f"Function '{entry.name}': cannot import the Python function '{entry.qualified_name}': {error}") from None
    if found is None:
        raise _validation(f"Function '{entry.name}': '{entry.qualified_name}' is not 'module.function'")
    try:
        return python_function(entry.name, found, entry.temporary, entry.system, entry.qualified_name)
    except TypeError as error:
        raise _validation(str(error)) from None


def _validation(message: str) -> Exception:
    return ValidationException(message)

