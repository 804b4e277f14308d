"""Kafka -> map (Python) -> Kafka, for the Kafka benchmark (benchmarks/run starts it).

usage: kafka_map.py BOOTSTRAP SOURCE_TOPIC SINK_TOPIC bounded|unbounded [BUFFER_TIMEOUT_MS]
bounded reads what the topic holds now and ends; unbounded reads what arrives from now on.
With BUFFER_TIMEOUT_MS the records cross a network edge between the source and the map (a new
chain), whose output buffer waits at most that long (the buffer-latency benchmark).
fetch.wait.max.ms is 5 ms because the mock broker holds every fetch for its full wait (a
real broker answers as soon as records arrive); the benchmark's own consumers do the same.
"""

import sys

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema, KafkaSink,
                                                 KafkaSource)

bootstrap, source_topic, sink_topic, mode = sys.argv[1:5]
buffer_timeout = int(sys.argv[5]) if len(sys.argv) > 5 else None
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
if buffer_timeout is not None:
    env.set_buffer_timeout(buffer_timeout)
env.enable_checkpointing(1000)

source = KafkaSource.builder() \
    .set_bootstrap_servers(bootstrap) \
    .set_topics(source_topic) \
    .set_group_id("kafka-map") \
    .set_property("fetch.wait.max.ms", "5") \
    .set_value_only_deserializer(SimpleStringSchema())
if mode == "bounded":
    source = source.set_starting_offsets(KafkaOffsetsInitializer.earliest()).set_bounded(KafkaOffsetsInitializer.latest())
else:
    source = source.set_starting_offsets(KafkaOffsetsInitializer.latest())

sink = KafkaSink.builder() \
    .set_bootstrap_servers(bootstrap) \
    .set_record_serializer(KafkaRecordSerializationSchema.builder()
                           .set_topic(sink_topic)
                           .set_value_serialization_schema(SimpleStringSchema())
                           .build()) \
    .set_delivery_guarantee(DeliveryGuarantee.AT_LEAST_ONCE) \
    .build()

events = env.from_source(source.build(), WatermarkStrategy.no_watermarks(), "events")
mapped = events.map(lambda value: value.upper(), Types.STRING())
if buffer_timeout is not None:
    mapped = mapped.start_new_chain()  # the source's output crosses a network edge to the map
mapped.sink_to(sink)
env.execute("kafka-map")
