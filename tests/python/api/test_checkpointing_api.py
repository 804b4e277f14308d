"""Checkpointing, restart strategies and savepoints: the API writes Flink's keys into the job's configuration."""

import threading
from datetime import timedelta

import pytest

from pyflink.common import Configuration, Duration, RestartStrategies, RestartStrategyConfiguration
from pyflink.datastream import (
    CheckpointingMode,
    CheckpointStorage,
    EmbeddedRocksDBStateBackend,
    ExternalizedCheckpointCleanup,
    ExternalizedCheckpointRetention,
    FileSystemCheckpointStorage,
    JobManagerCheckpointStorage,
    RocksDBStateBackend,
    StreamExecutionEnvironment,
)
from pystream.datastream.job_client import JobClient


def new_env(configuration=None):
    return StreamExecutionEnvironment.get_execution_environment(configuration)


# ---- CheckpointConfig ----------------------------------------------------------------------------


def test_defaults_are_flinks_and_reading_writes_nothing():
    env = new_env()
    config = env.get_checkpoint_config()
    assert not config.is_checkpointing_enabled()
    assert config.get_checkpoint_interval() == env.get_checkpoint_interval() == -1
    assert config.get_checkpointing_mode() is env.get_checkpointing_mode() is CheckpointingMode.EXACTLY_ONCE
    assert config.get_checkpoint_timeout() == config.DEFAULT_TIMEOUT == 600_000
    assert config.get_min_pause_between_checkpoints() == 0
    assert config.get_max_concurrent_checkpoints() == 1
    assert config.get_tolerable_checkpoint_failure_number() == 0 and config.is_fail_on_checkpointing_errors()
    assert config.get_externalized_checkpoint_retention() is ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS
    assert config.get_externalized_checkpoint_cleanup() is ExternalizedCheckpointCleanup.NO_EXTERNALIZED_CHECKPOINTS
    assert not config.is_externalized_checkpoints_enabled()
    assert not config.is_unaligned_checkpoints_enabled() and not config.is_force_unaligned_checkpoints()
    assert config.get_alignment_timeout() == Duration.of_millis(0)
    assert config.get_checkpoint_storage() is None
    assert env.get_default_savepoint_directory() is None
    assert isinstance(env.get_restart_strategy(), RestartStrategies.FallbackRestartStrategyConfiguration)
    assert env._configuration == {}


def test_one_checkpoint_config_per_environment_over_its_configuration():
    env = new_env()
    assert env.get_checkpoint_config() is env.get_checkpoint_config()
    assert env.get_checkpoint_config() is not new_env().get_checkpoint_config()
    env.enable_checkpointing(5000, CheckpointingMode.AT_LEAST_ONCE)
    assert env._configuration == {"execution.checkpointing.interval": "5000",
                                  "execution.checkpointing.mode": "AT_LEAST_ONCE"}
    assert env.get_checkpoint_config().is_checkpointing_enabled()
    assert env.get_checkpoint_interval() == 5000
    assert env.get_checkpointing_mode() is CheckpointingMode.AT_LEAST_ONCE


def test_enable_checkpointing_without_a_mode_keeps_the_mode_set_before():
    env = new_env()
    env.get_checkpoint_config().set_checkpointing_mode(CheckpointingMode.AT_LEAST_ONCE)
    assert env.enable_checkpointing(100) is env
    assert env.get_checkpointing_mode() is CheckpointingMode.AT_LEAST_ONCE


@pytest.mark.parametrize("setter, value, getter, key, text", [
    ("set_checkpoint_interval", 2000, "get_checkpoint_interval", "execution.checkpointing.interval", "2000"),
    ("set_checkpointing_mode", CheckpointingMode.AT_LEAST_ONCE, "get_checkpointing_mode",
     "execution.checkpointing.mode", "AT_LEAST_ONCE"),
    ("set_checkpoint_timeout", 60_000, "get_checkpoint_timeout", "execution.checkpointing.timeout", "60000"),
    ("set_min_pause_between_checkpoints", 500, "get_min_pause_between_checkpoints",
     "execution.checkpointing.min-pause", "500"),
    ("set_max_concurrent_checkpoints", 3, "get_max_concurrent_checkpoints",
     "execution.checkpointing.max-concurrent-checkpoints", "3"),
    ("set_tolerable_checkpoint_failure_number", 2, "get_tolerable_checkpoint_failure_number",
     "execution.checkpointing.tolerable-failed-checkpoints", "2"),
    ("set_externalized_checkpoint_retention", ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
     "get_externalized_checkpoint_retention", "execution.checkpointing.externalized-checkpoint-retention",
     "RETAIN_ON_CANCELLATION"),
    ("set_externalized_checkpoint_cleanup", ExternalizedCheckpointCleanup.DELETE_ON_CANCELLATION,
     "get_externalized_checkpoint_cleanup", "execution.checkpointing.externalized-checkpoint-retention",
     "DELETE_ON_CANCELLATION"),
    ("enable_externalized_checkpoints", ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION,
     "get_externalized_checkpoint_cleanup", "execution.checkpointing.externalized-checkpoint-retention",
     "RETAIN_ON_CANCELLATION"),
    ("enable_unaligned_checkpoints", False, "is_unaligned_checkpoints_enabled",
     "execution.checkpointing.unaligned", "false"),
    ("set_alignment_timeout", Duration.of_seconds(3), "get_alignment_timeout",
     "execution.checkpointing.aligned-checkpoint-timeout", "3000"),
])
def test_setters_write_flinks_key_and_getters_read_it_back(setter, value, getter, key, text):
    env = new_env()
    config = env.get_checkpoint_config()
    assert getattr(config, setter)(value) is config
    assert env._configuration == {key: text}
    assert getattr(config, getter)() == value


def test_externalized_checkpoints_are_on_unless_the_retention_says_none():
    config = new_env().get_checkpoint_config()
    config.enable_externalized_checkpoints(ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION)
    assert config.is_externalized_checkpoints_enabled()
    assert config.get_externalized_checkpoint_retention() is ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION
    config.set_externalized_checkpoint_retention(ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS)
    assert not config.is_externalized_checkpoints_enabled()


def test_fail_on_checkpointing_errors_is_the_tolerable_failure_number_as_in_flink():
    env = new_env()
    config = env.get_checkpoint_config()
    config.set_fail_on_checkpointing_errors(False)
    assert env._configuration["execution.checkpointing.tolerable-failed-checkpoints"] == str(2**31 - 1)
    assert not config.is_fail_on_checkpointing_errors()
    config.set_fail_on_checkpointing_errors(True)
    assert config.get_tolerable_checkpoint_failure_number() == 0


def test_unaligned_checkpoints_are_refused_by_name():
    env = new_env()
    config = env.get_checkpoint_config()
    with pytest.raises(NotImplementedError, match="enable_unaligned_checkpoints.*unaligned checkpoints"):
        config.enable_unaligned_checkpoints()
    with pytest.raises(NotImplementedError, match="set_force_unaligned_checkpoints"):
        config.set_force_unaligned_checkpoints()
    assert env._configuration == {}
    config.disable_unaligned_checkpoints()
    config.set_force_unaligned_checkpoints(False)
    assert not config.is_unaligned_checkpoints_enabled() and not config.is_force_unaligned_checkpoints()


@pytest.mark.parametrize("call, message", [
    (lambda env: env.enable_checkpointing(-1), "Checkpoint interval must be larger than or equal to 10 ms"),
    (lambda env: env.enable_checkpointing(9), "Checkpoint interval must be larger than or equal to 10 ms"),
    (lambda env: env.get_checkpoint_config().set_checkpoint_timeout(0),
     "Checkpoint timeout must be larger than or equal to 10 ms"),
    (lambda env: env.get_checkpoint_config().set_min_pause_between_checkpoints(-5),
     "Pause value must be zero or positive"),
    (lambda env: env.get_checkpoint_config().set_max_concurrent_checkpoints(0),
     "The maximum number of concurrent attempts must be at least one."),
    (lambda env: env.get_checkpoint_config().set_tolerable_checkpoint_failure_number(-1),
     "The tolerable failure checkpoint number must be non-negative."),
])
def test_bad_values_raise_flinks_message_and_write_nothing(call, message):
    env = new_env()
    with pytest.raises(ValueError, match=message):
        call(env)
    assert env._configuration == {}


def test_wrong_types_are_refused():
    config = new_env().get_checkpoint_config()
    with pytest.raises(TypeError, match="Unsupported checkpointing mode"):
        config.set_checkpointing_mode("EXACTLY_ONCE")
    with pytest.raises(TypeError):
        config.set_checkpoint_interval(1000.0)
    with pytest.raises(TypeError):
        config.set_externalized_checkpoint_retention("RETAIN_ON_CANCELLATION")


# ---- checkpoint storage --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["file:///tmp/checkpoints", "file:/tmp/checkpoints", "/tmp/checkpoints",
                                  "relative/checkpoints"])
def test_a_checkpoint_directory_is_stored_as_given(path):
    env = new_env()
    config = env.get_checkpoint_config()
    config.set_checkpoint_storage_dir(path)
    assert env._configuration["state.checkpoints.dir"] == path
    storage = config.get_checkpoint_storage()
    assert isinstance(storage, FileSystemCheckpointStorage) and storage.get_checkpoint_path() == path


@pytest.mark.parametrize("call", [
    lambda env: env.get_checkpoint_config().set_checkpoint_storage_dir("s3://bucket/checkpoints"),
    lambda env: env.get_checkpoint_config().set_checkpoint_storage(FileSystemCheckpointStorage("hdfs://nn/cp")),
    lambda env: env.set_default_savepoint_directory("s3://bucket/savepoints"),
])
def test_remote_file_systems_are_refused_at_the_call(call):
    env = new_env()
    with pytest.raises(NotImplementedError, match="only local file system paths"):
        call(env)
    assert env._configuration == {}


def test_job_manager_storage_leaves_the_directory_to_the_engine():
    env = new_env()
    config = env.get_checkpoint_config()
    config.set_checkpoint_storage(FileSystemCheckpointStorage("file:///tmp/cp"))
    config.set_checkpoint_storage(JobManagerCheckpointStorage())
    assert "state.checkpoints.dir" not in env._configuration
    storage = config.get_checkpoint_storage()
    assert isinstance(storage, JobManagerCheckpointStorage) and storage.get_checkpoint_path() is None
    assert storage.get_max_state_size() == JobManagerCheckpointStorage.DEFAULT_MAX_STATE_SIZE


def test_checkpoint_storage_refuses_what_flink_refuses():
    from pyflink.datastream import CustomCheckpointStorage
    config = new_env().get_checkpoint_config()
    with pytest.raises(ValueError, match="checkpoint_path must not be None"):
        FileSystemCheckpointStorage()
    with pytest.raises(TypeError):
        config.set_checkpoint_storage("file:///tmp/cp")
    with pytest.raises(NotImplementedError, match="CustomCheckpointStorage"):
        CustomCheckpointStorage(object())
    assert issubclass(FileSystemCheckpointStorage, CheckpointStorage)


def test_state_backends_write_their_keys():
    env = new_env()
    env.set_state_backend(EmbeddedRocksDBStateBackend(enable_incremental_checkpointing=True))
    assert env._configuration == {"state.backend.type": "rocksdb", "state.backend.incremental": "true"}
    assert env.get_state_backend().is_incremental_checkpoints_enabled()
    legacy = new_env()
    legacy.set_state_backend(RocksDBStateBackend("file:///tmp/rocks", enable_incremental_checkpointing=False))
    assert legacy._configuration["state.checkpoints.dir"] == "file:///tmp/rocks"
    assert legacy._configuration["state.backend.incremental"] == "false"


def test_default_savepoint_directory():
    env = new_env()
    assert env.set_default_savepoint_directory("file:///tmp/savepoints") is env
    assert env._configuration == {"execution.checkpointing.savepoint-dir": "file:///tmp/savepoints"}
    assert env.get_default_savepoint_directory() == "file:///tmp/savepoints"


# ---- restart strategies --------------------------------------------------------------------------


@pytest.mark.parametrize("strategy, keys", [
    (RestartStrategies.no_restart(), {"restart-strategy.type": "none"}),
    (RestartStrategies.fixed_delay_restart(3, 10_000),
     {"restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "3",
      "restart-strategy.fixed-delay.delay": "10000"}),
    (RestartStrategies.fixed_delay_restart(2, timedelta(seconds=1.5)),
     {"restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "2",
      "restart-strategy.fixed-delay.delay": "1500"}),
    (RestartStrategies.failure_rate_restart(3, timedelta(minutes=5), 10_000),
     {"restart-strategy.type": "failure-rate", "restart-strategy.failure-rate.max-failures-per-interval": "3",
      "restart-strategy.failure-rate.failure-rate-interval": "300000", "restart-strategy.failure-rate.delay": "10000"}),
    (RestartStrategies.exponential_delay_restart(1000, timedelta(minutes=1), 2.0, 3_600_000, 0.1),
     {"restart-strategy.type": "exponential-delay", "restart-strategy.exponential-delay.initial-backoff": "1000",
      "restart-strategy.exponential-delay.max-backoff": "60000",
      "restart-strategy.exponential-delay.backoff-multiplier": "2.0",
      "restart-strategy.exponential-delay.reset-backoff-threshold": "3600000",
      "restart-strategy.exponential-delay.jitter-factor": "0.1"}),
])
def test_restart_strategies_write_flinks_keys_and_read_back_equal(strategy, keys):
    env = new_env()
    assert isinstance(strategy, RestartStrategyConfiguration)
    assert env.set_restart_strategy(strategy) is None
    assert env._configuration == keys
    assert env.get_restart_strategy() == strategy
    assert strategy.get_description()


def test_a_new_restart_strategy_replaces_the_old_one_and_fall_back_clears_it():
    env = new_env()
    env.set_restart_strategy(RestartStrategies.failure_rate_restart(1, 1000, 0))
    env.set_restart_strategy(RestartStrategies.no_restart())
    assert env._configuration == {"restart-strategy.type": "none"}
    env.set_restart_strategy(RestartStrategies.fall_back_restart())
    assert env._configuration == {}
    assert env.get_restart_strategy() == RestartStrategies.fall_back_restart()


def test_restart_strategy_getters_give_timedeltas():
    fixed = RestartStrategies.fixed_delay_restart(4, 250)
    assert fixed.get_restart_attempts() == 4
    assert fixed.get_delay_between_attempts_interval() == timedelta(milliseconds=250)
    rate = RestartStrategies.failure_rate_restart(2, timedelta(seconds=30), timedelta(seconds=1))
    assert rate.get_max_failure_rate() == 2
    assert rate.get_failure_interval() == timedelta(seconds=30)
    assert rate.get_delay_between_attempts_interval() == timedelta(seconds=1)


@pytest.mark.parametrize("make, error, message", [
    (lambda: RestartStrategies.fixed_delay_restart(3, "10 s"), TypeError, "only supports integer and datetime"),
    (lambda: RestartStrategies.fixed_delay_restart(-1, 10), ValueError, "at least 0"),
    (lambda: RestartStrategies.failure_rate_restart(0, 1000, 10), ValueError, "greater than 0"),
    (lambda: RestartStrategies.exponential_delay_restart(2000, 1000, 2.0, 10, 0.1), ValueError,
     "Initial backoff cannot be higher than maximum backoff."),
    (lambda: RestartStrategies.exponential_delay_restart(1, 1000, 1.0, 10, 0.1), ValueError,
     "Backoff multiplier must be greater than 1."),
    (lambda: RestartStrategies.exponential_delay_restart(1, 1000, 2.0, 10, 1.5), ValueError,
     "Jitter factor must be >= 0 and <= 1."),
])
def test_bad_restart_strategies_are_refused(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_set_restart_strategy_needs_a_configuration():
    with pytest.raises(TypeError, match="RestartStrategies"):
        new_env().set_restart_strategy(None)


# ---- a Configuration given to the environment ------------------------------------------------------


def test_a_configuration_is_kept_as_given_for_the_engine_to_read():
    # The engine alone parses configuration text; tests/e2e/test_settings.py reads it back through
    # the getters and sees bad values refused at execute(), embedded and through a gateway.
    given = {
        "execution.checkpointing.interval": "10 s",
        "execution.checkpointing.mode": "at_least_once",
        "execution.checkpointing.dir": "file:///tmp/cp",
        "restart-strategy": "fixeddelay",
        "restart-strategy.fixed-delay.delay": "1.5 fortnights",
        "state.backend.type": "forst",
    }
    configuration = Configuration()
    for key, value in given.items():
        configuration.set_string(key, value)
    env = new_env(configuration)
    assert env._configuration == given
    env.from_collection([1]).print()
    assert dict(env._take_spec("t").configuration) == given


def test_a_typed_setter_replaces_a_given_value_and_is_read_without_the_engine():
    env = new_env(Configuration().set_string("execution.checkpointing.interval", "10 s"))
    env.get_checkpoint_config().set_checkpoint_interval(2000)
    env.get_checkpoint_config().set_checkpoint_timeout(30_000)
    assert env._configuration == {"execution.checkpointing.interval": "2000",
                                  "execution.checkpointing.timeout": "30000"}
    assert env.get_checkpoint_interval() == 2000 and env.get_checkpoint_config().get_checkpoint_timeout() == 30_000


# ---- PyFlink's module paths ----------------------------------------------------------------------


def test_pyflink_module_paths():
    from pyflink.common.restart_strategy import RestartStrategies as FromModule
    from pyflink.datastream import CheckpointingMode as FromPackage
    from pyflink.datastream.checkpoint_config import CheckpointConfig, ExternalizedCheckpointCleanup as Cleanup
    from pyflink.datastream.checkpoint_storage import FileSystemCheckpointStorage as Storage
    from pyflink.datastream.checkpointing_mode import CheckpointingMode as FromModuleMode
    from pyflink.datastream.externalized_checkpoint_retention import ExternalizedCheckpointRetention as Retention
    assert FromModule is RestartStrategies and FromPackage is FromModuleMode is CheckpointingMode
    assert isinstance(new_env().get_checkpoint_config(), CheckpointConfig)
    assert Cleanup is ExternalizedCheckpointCleanup and Storage is FileSystemCheckpointStorage
    assert Retention is ExternalizedCheckpointRetention


# ---- savepoints through the JobClient ------------------------------------------------------------


class _FakeHandle:
    """The engine's job handle: savepoint calls block until the test releases them."""

    job_id = "0123456789abcdef"

    def __init__(self, path="/tmp/savepoints/savepoint-1", error=None):
        self.path, self.error = path, error
        self.calls = []
        self.release = threading.Event()

    def _answer(self):
        self.release.wait()
        if self.error is not None:
            raise self.error
        return self.path

    def trigger_savepoint(self, directory):
        self.calls.append(("trigger_savepoint", directory))
        return self._answer()

    def stop_with_savepoint(self, directory, advance_to_end_of_event_time):
        self.calls.append(("stop_with_savepoint", directory, advance_to_end_of_event_time))
        return self._answer()


def client_of(handle):
    return JobClient(handle, 0, lambda: 0)


def test_trigger_savepoint_is_a_future_of_the_savepoint_path():
    handle = _FakeHandle()
    future = client_of(handle).trigger_savepoint("file:///tmp/savepoints")
    assert not future.done()
    handle.release.set()
    assert future.result(timeout=10) == "/tmp/savepoints/savepoint-1"
    assert future.done()
    assert handle.calls == [("trigger_savepoint", "file:///tmp/savepoints")]


def test_a_savepoint_without_a_directory_asks_the_engine_for_its_default():
    handle = _FakeHandle()
    handle.release.set()
    client_of(handle).trigger_savepoint().result(timeout=10)
    client_of(handle).stop_with_savepoint().result(timeout=10)
    assert handle.calls == [("trigger_savepoint", ""), ("stop_with_savepoint", "", False)]


def test_stop_with_savepoint_passes_the_drain_flag():
    handle = _FakeHandle(path="/sp/savepoint-2")
    handle.release.set()
    future = client_of(handle).stop_with_savepoint(True, "/sp")
    assert future.result(timeout=10) == "/sp/savepoint-2"
    assert handle.calls == [("stop_with_savepoint", "/sp", True)]


def test_a_failed_savepoint_raises_from_result():
    handle = _FakeHandle(error=RuntimeError("savepoint failed: disk full"))
    handle.release.set()
    future = client_of(handle).trigger_savepoint("/sp")
    with pytest.raises(RuntimeError, match="disk full"):
        future.result(timeout=10)


def test_waiting_too_little_for_a_savepoint_times_out():
    handle = _FakeHandle()
    future = client_of(handle).trigger_savepoint("/sp")
    with pytest.raises(TimeoutError):
        future.result(timeout=0)
    handle.release.set()
    assert future.result(timeout=10) == handle.path


def test_file_sink_rolling_policies_reach_the_sink_spec(tmp_path) -> None:
    from pyflink.common import Encoder
    from pyflink.datastream.connectors.file_system import FileSink, RollingPolicy

    def spec(policy: RollingPolicy):
        sink = FileSink.for_row_format(str(tmp_path), Encoder.simple_string_encoder()).with_rolling_policy(policy).build()
        return sink._to_sink_spec()[1].file

    on_checkpoint = spec(RollingPolicy.on_checkpoint_rolling_policy())
    assert on_checkpoint.roll_on_checkpoint and on_checkpoint.part_size == 0
    default = spec(RollingPolicy.default_rolling_policy())
    assert not default.roll_on_checkpoint and default.part_size == 128 * 1024 * 1024 and default.rollover_interval_ms == 60_000
