"""Kafka in, a keyed event-time window, Kafka out, exactly once.

Against the mock broker (see the README, "Kafka"):

    ./pystream kafka-mock clicks:3 click-counts:1 &      # prints bootstrap.servers=127.0.0.1:PORT
    ./pystream run examples/kafka_window.py --bootstrap 127.0.0.1:PORT

Against a real broker (docker/compose.yaml runs one on localhost:9092) the same, with
--bootstrap localhost:9092. Three jobs run one after the other:

1. writes sample clicks (JSON, with their event time as the Kafka timestamp) to `clicks`;
2. reads `clicks` up to where it ends now, counts clicks per user in 10-second tumbling
   event-time windows (watermarks per Kafka partition) and writes the counts to
   `click-counts` in Kafka transactions, committed with each checkpoint;
3. reads `click-counts` back and prints it.
"""

import argparse

from pyflink.common import Duration, Row, Time, Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema, KafkaSink,
                                                 KafkaSource)
from pyflink.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema
from pyflink.datastream.window import TumblingEventTimeWindows

parser = argparse.ArgumentParser()
parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, host:port")
parser.add_argument("--clicks", default="clicks")
parser.add_argument("--counts", default="click-counts")
args = parser.parse_args()

CLICK = Types.ROW_NAMED(["user", "page", "time"], [Types.STRING(), Types.STRING(), Types.LONG()])
COUNT = Types.ROW_NAMED(["user", "window_end", "clicks"], [Types.STRING(), Types.LONG(), Types.LONG()])


class CountRow(ProcessWindowFunction):
    """The window's reduced (user, count) as a row with the window's end."""

    def process(self, key, context, elements):
        yield Row(key, context.window().end, next(iter(elements))[1])


class ClickTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value.time


def write_sample_clicks() -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    users = ["ada", "bob", "cy"]
    clicks = [Row(users[i % 3], f"/page/{i % 5}", 1_700_000_000_000 + i * 1_500) for i in range(40)]
    sink = KafkaSink.builder() \
        .set_bootstrap_servers(args.bootstrap) \
        .set_record_serializer(KafkaRecordSerializationSchema.builder()
                               .set_topic(args.clicks)
                               .set_value_serialization_schema(JsonRowSerializationSchema.builder().with_type_info(CLICK).build())
                               .build()) \
        .set_delivery_guarantee(DeliveryGuarantee.AT_LEAST_ONCE) \
        .build()
    env.from_collection(clicks, CLICK) \
        .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(ClickTime())) \
        .sink_to(sink)
    env.execute("write sample clicks")


def count_clicks() -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)
    env.enable_checkpointing(500)
    source = KafkaSource.builder() \
        .set_bootstrap_servers(args.bootstrap) \
        .set_topics(args.clicks) \
        .set_group_id("click-counter") \
        .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
        .set_bounded(KafkaOffsetsInitializer.latest()) \
        .set_value_only_deserializer(JsonRowDeserializationSchema.builder().type_info(CLICK).build()) \
        .build()
    sink = KafkaSink.builder() \
        .set_bootstrap_servers(args.bootstrap) \
        .set_record_serializer(KafkaRecordSerializationSchema.builder()
                               .set_topic(args.counts)
                               .set_value_serialization_schema(JsonRowSerializationSchema.builder().with_type_info(COUNT).build())
                               .build()) \
        .set_delivery_guarantee(DeliveryGuarantee.EXACTLY_ONCE) \
        .set_transactional_id_prefix("click-counter") \
        .build()
    # The Kafka timestamps are the click times: watermarks come from them, per partition.
    watermarks = WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(5))
    env.from_source(source, watermarks, "clicks") \
        .map(lambda click: (click.user, 1), Types.TUPLE([Types.STRING(), Types.LONG()])) \
        .key_by(lambda pair: pair[0]) \
        .window(TumblingEventTimeWindows.of(Time.seconds(10))) \
        .reduce(lambda a, b: (a[0], a[1] + b[1]),
                window_function=CountRow(), output_type=COUNT) \
        .sink_to(sink)
    env.execute("count clicks")


def print_counts() -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    source = KafkaSource.builder() \
        .set_bootstrap_servers(args.bootstrap) \
        .set_topics(args.counts) \
        .set_starting_offsets(KafkaOffsetsInitializer.earliest()) \
        .set_bounded(KafkaOffsetsInitializer.latest()) \
        .set_value_only_deserializer(SimpleStringSchema()) \
        .build()
    env.from_source(source, WatermarkStrategy.no_watermarks(), "click counts").print()
    env.execute("print counts")


write_sample_clicks()
count_clicks()
print_counts()
