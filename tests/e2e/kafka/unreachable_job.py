"""A Kafka source or sink at the address given, for the tests of an address where no broker answers.

argv: source|sink BOOTSTRAP [PROPERTY=VALUE ...]; the properties go to the connector
(e.g. default.api.timeout.ms=3000 for the source, message.timeout.ms=3000 for the sink).
"""

import sys

from pyflink.common import Types, WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import (KafkaOffsetsInitializer, KafkaRecordSerializationSchema, KafkaSink,
                                                 KafkaSource)

kind, bootstrap, *properties = sys.argv[1:]
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
if kind == "source":
    builder = (KafkaSource.builder().set_bootstrap_servers(bootstrap).set_topics("clicks")
               .set_value_only_deserializer(SimpleStringSchema())
               .set_starting_offsets(KafkaOffsetsInitializer.earliest()).set_bounded(KafkaOffsetsInitializer.latest()))
else:
    builder = (KafkaSink.builder().set_bootstrap_servers(bootstrap)
               .set_record_serializer(KafkaRecordSerializationSchema.builder().set_topic("counts")
                                      .set_value_serialization_schema(SimpleStringSchema()).build()))
for pair in properties:
    key, value = pair.split("=", 1)
    builder = builder.set_property(key, value)
if kind == "source":
    env.from_source(builder.build(), WatermarkStrategy.no_watermarks(), "clicks").print()
else:
    env.from_collection(["a", "b", "c", "d"], Types.STRING()).sink_to(builder.build())
env.execute(f"unreachable {kind}")
