"""A bounded Kafka source at the address given, for the test of an address where no broker answers.

argv: BOOTSTRAP [PROPERTY=VALUE ...]; the properties go to the source (e.g. default.api.timeout.ms=3000).
"""

import sys
from pyflink.common import WatermarkStrategy
from pyflink.common.serialization import SimpleStringSchema
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import KafkaOffsetsInitializer, KafkaSource

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(2)
builder = (KafkaSource.builder().set_bootstrap_servers(sys.argv[1]).set_topics("clicks")
           .set_value_only_deserializer(SimpleStringSchema())
           .set_starting_offsets(KafkaOffsetsInitializer.earliest()).set_bounded(KafkaOffsetsInitializer.latest()))
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    builder = builder.set_property(k, v)
env.from_source(builder.build(), WatermarkStrategy.no_watermarks(), "clicks").print()
env.execute("bad address")
