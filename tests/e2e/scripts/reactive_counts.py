"""Reactive mode's job (`scheduler-mode: reactive`): "key,number" lines from a Kafka topic (unbounded), a running
count per key in ValueState, each count written as "key,count" to an exactly-once FileSink (its part files roll at every checkpoint). Its output is the
same whatever the parallelism and the order of the lines, so a rescale that lost or repeated a line, or a key's
count, shows as a difference from the plain-Python model.

    python reactive_counts.py BOOTSTRAP TOPIC OUT CHECKPOINTS
"""

import sys

from pyflink.common import Configuration, Encoder, Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import FileSink, RollingPolicy
from pyflink.datastream.connectors.kafka import KafkaOffsetsInitializer, KafkaSource
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor

bootstrap, topic, out, checkpoints = sys.argv[1:5]


class Count(KeyedProcessFunction):
    def open(self, runtime_context: RuntimeContext):
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        yield f"{ctx.get_current_key()},{count}"


configuration = Configuration()
configuration.set_string("scheduler-mode", "reactive")
# Grow as soon as a worker joins (Flink waits 30 s between scale-ups by default).
configuration.set_string("jobmanager.adaptive-scheduler.scaling-interval.min", "0 ms")
configuration.set_string("restart-strategy.type", "fixed-delay")
configuration.set_string("restart-strategy.fixed-delay.attempts", "10")
configuration.set_string("restart-strategy.fixed-delay.delay", "0 ms")
env = StreamExecutionEnvironment.get_execution_environment()
env.configure(configuration)
env.enable_checkpointing(100)
env.get_checkpoint_config().set_checkpoint_storage_dir(checkpoints)
source = KafkaSource.builder() \
    .set_bootstrap_servers(bootstrap) \
    .set_topics(topic) \
    .set_group_id("reactive") \
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
    .set_value_only_deserializer(SimpleStringSchema()) \
    .build()
(env.from_source(source, WatermarkStrategy.no_watermarks(), "lines").uid("lines")
    .key_by(lambda line: line.split(",")[0], Types.STRING())
    .process(Count(), Types.STRING()).uid("count")
    .sink_to(FileSink.for_row_format(out, Encoder.simple_string_encoder())
             .with_rolling_policy(RollingPolicy.on_checkpoint_rolling_policy()).build()).uid("files"))
env.execute("reactive counts")
