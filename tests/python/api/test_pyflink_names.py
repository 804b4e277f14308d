"""Every public method of PyFlink's main classes exists in PyStream: implemented, or raising
NotImplementedError that names it (never a bare AttributeError). The names are the list kept
in ``pystream/_pyflink_api.py``, read from PyFlink's own sources."""

import importlib

import pytest

from pystream._pyflink_api import PYFLINK_METHODS

CASES = [(path, method) for path, methods in PYFLINK_METHODS.items() for method in methods]


def pyflink_class(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path, method", CASES, ids=[f"{p.rpartition('.')[2]}.{m}" for p, m in CASES])
def test_every_pyflink_method_exists_or_says_it_is_not_supported(path, method):
    cls = pyflink_class(path)
    attribute = getattr(cls, method)  # AttributeError here is the failure this test exists for
    if getattr(attribute, "_pystream_unsupported", False):
        with pytest.raises(NotImplementedError, match=rf"\b{cls.__name__}\.{method} is not supported by PyStream"):
            attribute()


def test_the_list_names_each_method_once():
    for path, methods in PYFLINK_METHODS.items():
        assert len(methods) == len(set(methods)), path


def test_the_apis_reported_missing_raise_not_implemented_naming_them():
    from pyflink.datastream import StreamExecutionEnvironment
    env = StreamExecutionEnvironment.get_execution_environment()
    for call, name in [(lambda: env.enable_changelog_state_backend(True), "enable_changelog_state_backend"),
                       (lambda: env.is_changelog_state_backend_enabled(), "is_changelog_state_backend_enabled"),
                       (lambda: env.create_input(object()), "create_input")]:
        with pytest.raises(NotImplementedError, match=f"StreamExecutionEnvironment.{name} is not supported"):
            call()


def test_a_name_pyflink_does_not_have_is_still_an_attribute_error():
    from pyflink.common import Configuration, ExecutionConfig
    with pytest.raises(AttributeError):
        ExecutionConfig().set_paralelism(2)  # a typo must not read as "not supported yet"
    assert not hasattr(Configuration(), "get_strings")


def test_implemented_methods_are_not_stubs():
    from pyflink.common import Types
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.datastream.state import AggregatingStateDescriptor, ReducingStateDescriptor
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(3)
    assert env.get_parallelism() == 3
    assert env.from_collection([1], Types.INT()).get_execution_config() is env.get_config()
    add = lambda a, b: a + b  # noqa: E731
    assert ReducingStateDescriptor("r", add, Types.INT()).get_reduce_function() is add
    assert AggregatingStateDescriptor("a", add, Types.INT()).get_agg_function() is add


def test_a_module_tutorials_import_but_pyflink_lacks_names_the_right_one():
    with pytest.raises(ModuleNotFoundError, match=r"No module named 'pyflink.common.state'; did you mean "
                                                  r"'pyflink.datastream.state'\?") as raised:
        importlib.import_module("pyflink.common.state")
    assert raised.value.name == "pyflink.common.state"
    with pytest.raises(ModuleNotFoundError, match="pyflink.datastream.state"):
        exec("from pyflink.common.state import ValueStateDescriptor", {})


def test_checkpoint_config_enable_checkpointing_is_an_attribute_error_pointing_at_the_environment():
    from pyflink.datastream import StreamExecutionEnvironment
    config = StreamExecutionEnvironment.get_execution_environment().get_checkpoint_config()
    with pytest.raises(AttributeError, match=r"no attribute 'enable_checkpointing'; .*env\.enable_checkpointing"):
        config.enable_checkpointing(1000)
    with pytest.raises(AttributeError, match=r"^'CheckpointConfig' object has no attribute 'no_such_setting'$"):
        config.no_such_setting
    assert not hasattr(config, "enable_checkpointing")
