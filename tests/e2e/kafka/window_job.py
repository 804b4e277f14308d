"""Kafka -> keyed event-time window -> Kafka, for the Kafka end-to-end tests.

Reads "key,value,timestamp" lines from --source (bounded: what the topic holds at start),
sums values per key in 1000-ms tumbling windows and writes "key,window end,sum" lines to
--sink with the chosen delivery guarantee. --fail-once MARKER raises once, after a
checkpoint completed, unless MARKER exists.
"""

import argparse
import glob
import os

from pyflink.common import Duration, Time, Types, WatermarkStrategy
from pyflink.common.restart_strategy import RestartStrategies
from pyflink.common.serialization import SimpleStringSchema
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.connectors.file_system import FileSink
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema, KafkaSink,
                                                 KafkaSource)
from pyflink.common import Encoder
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.window import TumblingEventTimeWindows

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap", required=True)
parser.add_argument("--source", required=True)
parser.add_argument("--sink", help="a Kafka topic")
parser.add_argument("--files", help="a FileSink directory instead of a Kafka topic (lines as read, no window)")
parser.add_argument("--guarantee", default="EXACTLY_ONCE")
parser.add_argument("--checkpoints", required=True)
parser.add_argument("--parallelism", type=int, default=2)
parser.add_argument("--fail-once")
args = parser.parse_args()


def checkpoint_completed() -> bool:
    return bool(glob.glob(os.path.join(args.checkpoints, "*", "chk-*", "_metadata")))


def fail_once(line: str) -> str:
    if args.fail_once and not os.path.exists(args.fail_once) and checkpoint_completed():
        open(args.fail_once, "w").close()
        raise RuntimeError(f"injected failure at {line}")
    return line


class LineTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return int(value.split(",")[2])


class WindowLine(ProcessWindowFunction):
    def process(self, key, context, elements):
        for total in elements:
            yield f"{key},{context.window().end},{total[1]}"


env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(args.parallelism)
env.enable_checkpointing(100)
env.set_restart_strategy(RestartStrategies.fixed_delay_restart(3, 0))
env.get_checkpoint_config().set_checkpoint_storage_dir(args.checkpoints)
source = KafkaSource.builder() \
    .set_bootstrap_servers(args.bootstrap) \
    .set_topics(args.source) \
    .set_group_id("e2e") \
    .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
    .set_bounded(KafkaOffsetsInitializer.latest()) \
    .set_value_only_deserializer(SimpleStringSchema()) \
    .build()
watermarks = WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(200)).with_timestamp_assigner(LineTime())
lines = env.from_source(source, watermarks, "lines").map(fail_once, Types.STRING())

if args.files:
    lines.sink_to(FileSink.for_row_format(args.files, Encoder.simple_string_encoder()).build())
else:
    sink = KafkaSink.builder() \
        .set_bootstrap_servers(args.bootstrap) \
        .set_record_serializer(KafkaRecordSerializationSchema.builder()
                               .set_topic(args.sink)
                               .set_value_serialization_schema(SimpleStringSchema())
                               .build()) \
        .set_delivery_guarantee(getattr(DeliveryGuarantee, args.guarantee)) \
        .set_transactional_id_prefix("e2e-window") \
        .build()
    lines.map(lambda line: (line.split(",")[0], int(line.split(",")[1])), Types.TUPLE([Types.STRING(), Types.LONG()])) \
        .key_by(lambda pair: pair[0]) \
        .window(TumblingEventTimeWindows.of(Time.milliseconds(1000))) \
        .reduce(lambda a, b: (a[0], a[1] + b[1]), window_function=WindowLine(), output_type=Types.STRING()) \
        .sink_to(sink)
env.execute("kafka window")
