"""EnvironmentSettings and TableConfig: plain Python state, sent with every statement."""

import datetime

import pytest

from pyflink.common import Configuration, Duration
from pyflink.table import EnvironmentSettings, TableConfig, TableEnvironment


@pytest.mark.parametrize("settings, streaming", [
    (EnvironmentSettings.in_streaming_mode(), True),
    (EnvironmentSettings.in_batch_mode(), False),
    (EnvironmentSettings.new_instance().build(), True),
    (EnvironmentSettings.new_instance().in_batch_mode().in_streaming_mode().build(), True),
    (EnvironmentSettings.from_configuration(Configuration().set_string("execution.runtime-mode", "batch")), False),
])
def test_the_mode_of_the_settings(settings, streaming):
    assert settings.is_streaming_mode() is streaming


def test_the_settings_configuration_reaches_the_table_environment(engine):
    config = Configuration().set_string("table.exec.mini-batch.enabled", "true")
    settings = EnvironmentSettings.new_instance().in_batch_mode().with_configuration(config).build()
    t_env = TableEnvironment.create(settings)
    assert t_env.get_config().get("table.exec.mini-batch.enabled") == "true"
    t_env.execute_sql("SELECT 1")
    assert dict(engine.requests[0].configuration) == {"table.exec.mini-batch.enabled": "true"}
    assert engine.requests[0].batch_mode


def test_the_configuration_object_is_the_table_config_itself():
    config = TableConfig()
    config.get_configuration().set_string("pipeline.name", "clicks")
    config.set("table.exec.source.idle-timeout", "5 s").set("table.dml-sync", True)
    assert config.get("pipeline.name") == "clicks"
    assert config.get_configuration().get_string("table.dml-sync") == "true"
    assert config.get("missing", "fallback") == "fallback"
    with pytest.raises(ValueError, match="non-empty str"):
        config.set("", "x")


def test_time_zone_and_idle_state_retention():
    config = TableConfig()
    config.set_local_timezone("Europe/Berlin")
    assert config.get("table.local-time-zone") == "Europe/Berlin"
    assert config.get_local_timezone() == "Europe/Berlin"
    config.set_idle_state_retention(datetime.timedelta(hours=1))
    assert config.get("table.exec.state.ttl") == "3600000 ms"
    assert config.get_idle_state_retention() == datetime.timedelta(hours=1)
    config.set_idle_state_retention(Duration.of_seconds(30))
    assert config.get_idle_state_retention() == datetime.timedelta(seconds=30)
    with pytest.raises(ValueError, match="time zone id"):
        config.set_local_timezone("")


def test_an_idle_state_retention_set_as_text_is_left_to_the_engine():
    config = TableConfig().set("table.exec.state.ttl", "1 h")
    with pytest.raises(NotImplementedError, match="'1 h'"):
        config.get_idle_state_retention()
