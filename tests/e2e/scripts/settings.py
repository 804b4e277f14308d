"""Configuration values as text: the engine reads them for the getters, and refuses bad ones at execute()."""

from pyflink.common import Configuration
from pyflink.datastream import StreamExecutionEnvironment

READ = {
    "execution.checkpointing.interval": "10 s",
    "execution.checkpointing.mode": "at_least_once",
    "execution.checkpointing.timeout": "1 min",
    "execution.checkpointing.min-pause": "500000 us",
    "execution.checkpointing.max-concurrent-checkpoints": "2",
    "execution.checkpointing.externalized-checkpoint-retention": "retain_on_cancellation",
    "execution.checkpointing.dir": "file:///tmp/cp",
    "state.savepoints.dir": "file:/tmp/sp",
    "restart-strategy": "fixeddelay",
    "restart-strategy.fixed-delay.delay": "2 min",
    "execution.buffer-timeout": "250000000 ns",
}

# (key, bad value, other settings that make the engine read the key)
REFUSED = [
    ("execution.checkpointing.interval", "soon"),
    ("execution.checkpointing.interval", "5 ms"),
    ("execution.checkpointing.timeout", "10 fortnights"),
    ("execution.checkpointing.max-concurrent-checkpoints", "0"),
    ("execution.checkpointing.mode", "twice"),
    ("execution.checkpointing.unaligned", "yes"),
    ("restart-strategy.type", "sometimes"),
    ("restart-strategy.fixed-delay.delay", "1.5 s", ("restart-strategy.type", "fixed-delay")),
    ("restart-strategy.exponential-delay.jitter-factor", "2", ("restart-strategy", "exponential-delay")),
    ("execution.buffer-timeout", "-5"),
]


def configured(settings):
    configuration = Configuration()
    for key, value in settings:
        configuration.set_string(key, value)
    return StreamExecutionEnvironment.get_execution_environment(configuration)


env = configured(READ.items())
config = env.get_checkpoint_config()
print("interval", config.get_checkpoint_interval())
print("mode", config.get_checkpointing_mode().name)
print("timeout", config.get_checkpoint_timeout())
print("min pause", config.get_min_pause_between_checkpoints())
print("max concurrent", config.get_max_concurrent_checkpoints())
print("retention", config.get_externalized_checkpoint_retention().name)
print("storage", config.get_checkpoint_storage().get_checkpoint_path())
print("savepoints", env.get_default_savepoint_directory())
print("restart", env.get_restart_strategy().get_description())
print("buffer timeout", env.get_buffer_timeout())

for key, value, *others in REFUSED:
    env = configured([(key, value), *others])
    env.from_collection([1]).print()
    try:
        env.execute(f"refused {key}")
        print("not refused", key, value)
    except Exception as error:  # the engine's refusal, as the user sees it
        print("refused", key, value, "named" if key in str(error) and value in str(error) else str(error))
