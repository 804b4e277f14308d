"""The Kafka connector's API builds the KafkaSource/KafkaSink specs the engine runs (no broker needed)."""

import cloudpickle
import pytest

from pyflink.common import Duration, SimpleStringSchema, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.base import DeliveryGuarantee
from pyflink.datastream.connectors.kafka import (
    FlinkKafkaConsumer,
    FlinkKafkaProducer,
    KafkaOffsetResetStrategy,
    KafkaOffsetsInitializer,
    KafkaRecordSerializationSchema,
    KafkaSink,
    KafkaSource,
    KafkaTopicPartition,
    Semantic,
)
from pyflink.datastream.formats.csv import CsvRowDeserializationSchema, CsvRowSerializationSchema
from pyflink.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema
from pystream._proto import jobspec_pb2 as spec_pb
from pystream._runtime.factory import build_kafka_framer, build_operation
from pystream._runtime.kafka import DeserializeOperation, KafkaRecordFramer

ROW = Types.ROW_NAMED(["id", "name"], [Types.INT(), Types.STRING()])
Offsets = spec_pb.KafkaOffsets


def strings_source(**properties):
    builder = KafkaSource.builder().set_bootstrap_servers("broker:9092").set_topics("orders") \
        .set_value_only_deserializer(SimpleStringSchema())
    return builder.set_properties(properties).build()


def json_source(**properties):
    return KafkaSource.builder().set_bootstrap_servers("broker:9092").set_topics("orders").set_properties(properties) \
        .set_value_only_deserializer(JsonRowDeserializationSchema.builder().type_info(ROW).build()).build()


def spec_of(env):
    return env._take_spec("kafka-test")


def kinds(spec):
    return [t.WhichOneof("body") for t in spec.transformations]


# ---- names and import paths ---------------------------------------------------------------

def test_pyflink_import_paths_are_pystreams_modules():
    import pyflink.datastream.connectors as connectors
    import pyflink.datastream.connectors.kafka as pyflink_kafka
    import pyflink.datastream.formats.json as pyflink_json
    import pystream.datastream.connectors.kafka as pystream_kafka
    import pystream.datastream.formats.json as pystream_json
    assert pyflink_kafka is pystream_kafka and pyflink_json is pystream_json
    assert connectors.KafkaSource is KafkaSource and connectors.FlinkKafkaConsumer is FlinkKafkaConsumer
    assert connectors.DeliveryGuarantee is DeliveryGuarantee and connectors.Semantic is Semantic
    assert [g.name for g in DeliveryGuarantee] == ["EXACTLY_ONCE", "AT_LEAST_ONCE", "NONE"]
    assert [s.name for s in KafkaOffsetResetStrategy] == ["LATEST", "EARLIEST", "NONE"]
    from pyflink.common.serialization import CsvRowSerializationSchema as OldCsv
    from pyflink.common.serialization import JsonRowDeserializationSchema as OldJson
    assert OldJson is JsonRowDeserializationSchema and OldCsv is CsvRowSerializationSchema  # PyFlink 1.15's home


# ---- KafkaSource ------------------------------------------------------------------------------

def test_source_spec_carries_the_builders_settings_and_passes_properties_through():
    source = KafkaSource.builder().set_bootstrap_servers("a:9092,b:9092").set_topics("orders", "refunds") \
        .set_group_id("billing").set_client_id_prefix("bill").set_property("partition.discovery.interval.ms", "60000") \
        .set_properties({"fetch.min.bytes": 1024, "enable.auto.commit": False}) \
        .set_value_only_deserializer(SimpleStringSchema("ISO-8859-1")).build()
    spec, output_type = source._to_source_spec()
    kafka = spec.kafka
    assert output_type == Types.STRING()
    assert (kafka.bootstrap_servers, list(kafka.topics), kafka.group_id, kafka.client_id_prefix) == \
        ("a:9092,b:9092", ["orders", "refunds"], "billing", "bill")
    assert dict(kafka.properties) == {"partition.discovery.interval.ms": "60000", "fetch.min.bytes": "1024",
                                      "enable.auto.commit": "false"}
    assert kafka.charset == "ISO-8859-1" and kafka.on_deserialization_failure == spec_pb.FAIL
    # Flink's default: start from the earliest offsets, never stop.
    assert kafka.starting_offsets.kind == Offsets.EARLIEST and not kafka.HasField("stopping_offsets")
    assert source._deserialize_operation("orders") is None  # the engine decodes plain strings itself


def test_offsets_initializers_become_the_engines_offsets():
    committed = KafkaOffsetsInitializer.committed_offsets()._offsets
    assert (committed.kind, committed.reset_strategy) == (Offsets.COMMITTED, Offsets.RESET_NONE)
    committed = KafkaOffsetsInitializer.committed_offsets(KafkaOffsetResetStrategy.LATEST)._offsets
    assert committed.reset_strategy == Offsets.RESET_LATEST
    at = KafkaOffsetsInitializer.timestamp(1_700_000_000_000)._offsets
    assert (at.kind, at.timestamp_ms) == (Offsets.TIMESTAMP, 1_700_000_000_000)
    assert KafkaOffsetsInitializer.latest()._offsets.kind == Offsets.LATEST
    positions = {KafkaTopicPartition("b", 0): 7, KafkaTopicPartition("a", 1): 42}
    specific = KafkaOffsetsInitializer.offsets(positions)._offsets
    assert (specific.kind, specific.reset_strategy) == (Offsets.SPECIFIC, Offsets.RESET_EARLIEST)
    assert [(o.topic, o.partition, o.offset) for o in specific.offsets] == [("a", 1, 42), ("b", 0, 7)]


def test_partitions_pattern_and_bounds():
    by_partition = KafkaSource.builder().set_bootstrap_servers("k:1") \
        .set_partitions({KafkaTopicPartition("t", 2), KafkaTopicPartition("t", 0), KafkaTopicPartition("t", 2)}) \
        .set_value_only_deserializer(SimpleStringSchema()).set_bounded(KafkaOffsetsInitializer.latest()).build()
    kafka = by_partition._to_source_spec()[0].kafka
    assert [(p.topic, p.partition) for p in kafka.partitions] == [("t", 0), ("t", 2)]
    assert kafka.stopping_offsets.kind == Offsets.LATEST
    assert kafka.bounded  # it finishes at the stopping offsets and discovers nothing, as in Flink
    by_pattern = KafkaSource.builder().set_bootstrap_servers("k:1").set_topic_pattern("orders-.*") \
        .set_value_only_deserializer(SimpleStringSchema()).set_unbounded(KafkaOffsetsInitializer.timestamp(5)).build()
    kafka = by_pattern._to_source_spec()[0].kafka
    assert kafka.topic_pattern == "orders-.*" and not kafka.topics
    assert kafka.stopping_offsets.kind == Offsets.TIMESTAMP
    assert not kafka.bounded  # partitions stop at the offsets, the source runs on and discovers new ones
    assert KafkaTopicPartition("t", 1) == KafkaTopicPartition("t", 1) != KafkaTopicPartition("t", 2)


@pytest.mark.parametrize("build, error, message", [
    (lambda b: b.set_topics("t").set_value_only_deserializer(SimpleStringSchema()).build(),
     ValueError, "bootstrap.servers is required"),
    (lambda b: b.set_bootstrap_servers("k:1").set_value_only_deserializer(SimpleStringSchema()).build(),
     ValueError, "No subscribe mode is specified"),
    (lambda b: b.set_bootstrap_servers("k:1").set_topics("t").set_topic_pattern("t.*"),
     ValueError, "Cannot use topic pattern for consumption because a topic list is already set"),
    (lambda b: b.set_bootstrap_servers("k:1").set_topics("t").build(),
     ValueError, "Deserialization schema is required"),
    (lambda b: b.set_value_only_deserializer(object()), TypeError, "object is not supported by PyStream"),
    (lambda b: b.set_bootstrap_servers("k:1").set_topics("t").set_value_only_deserializer(SimpleStringSchema())
     .set_starting_offsets(KafkaOffsetsInitializer.committed_offsets()).build(),
     ValueError, "group.id is required when using committed offset"),
    (lambda b: b.set_bootstrap_servers("k:1").set_topics("t").set_value_only_deserializer(SimpleStringSchema())
     .set_property("commit.offsets.on.checkpoint", "true").build(),
     ValueError, "group.id is required when offset commit is enabled"),
    (lambda b: b.set_bootstrap_servers("k:1").set_topics("t").set_value_only_deserializer(SimpleStringSchema())
     .set_property("deserialization.failure-policy", "ignore").build(),
     ValueError, "must be 'fail' or 'skip'"),
    (lambda b: b.set_topic_pattern("orders-("), ValueError, "not a regular expression"),
    (lambda b: b.set_starting_offsets("earliest"), TypeError, "needs a KafkaOffsetsInitializer"),
])
def test_source_builder_refuses_what_flink_refuses(build, error, message):
    with pytest.raises(error, match=message):
        build(KafkaSource.builder())


def test_json_values_are_parsed_by_a_python_operation_chained_to_the_source():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_source(json_source(), WatermarkStrategy.no_watermarks(), "orders").print()
    spec = spec_of(env)
    source, parse, sink = spec.transformations
    assert kinds(spec) == ["source", "python", "sink"]
    assert (source.name, parse.name) == ("Source: orders", "Source: orders: Deserialize")
    assert parse.inputs[0].source_id == source.id and parse.inputs[0].partitioning == spec_pb.AUTO
    assert parse.chaining == spec_pb.CHAIN_DEFAULT and not parse.python.keyed
    assert source.source.kafka.charset == "" and source.source.kafka.on_deserialization_failure == spec_pb.FAIL
    # The spec holds what the user asked for: the kind, their schema and the source's policy.
    assert parse.python.kind == spec_pb.PythonOperatorSpec.DESERIALIZE
    assert (parse.python.deserialize.source_name, parse.python.deserialize.on_failure) == ("orders", spec_pb.FAIL)
    assert cloudpickle.loads(parse.python.function).get_produced_type() == ROW
    operation = build_operation(parse.python)
    assert isinstance(operation, DeserializeOperation)
    assert (operation.source_name, operation.skip) == ("orders", False)
    assert operation.function.get_produced_type() == ROW
    assert cloudpickle.loads(sink.sink.print.type_info) == ROW  # the stream's type is the schema's row type


@pytest.mark.parametrize("source", [
    lambda: json_source(**{"deserialization.failure-policy": "SKIP"}),
    lambda: KafkaSource.builder().set_bootstrap_servers("k:1").set_topics("t").set_value_only_deserializer(
        JsonRowDeserializationSchema.builder().type_info(ROW).ignore_parse_errors().build()).build(),
    lambda: KafkaSource.builder().set_bootstrap_servers("k:1").set_topics("t").set_value_only_deserializer(
        CsvRowDeserializationSchema.Builder(ROW).set_ignore_parse_errors(True).build()).build(),
])
def test_the_skip_policy_reaches_the_engine_and_the_deserializer(source):
    built = source()
    assert built._to_source_spec()[0].kafka.on_deserialization_failure == spec_pb.SKIP
    operation = built._deserialize_operation("s").to_proto()
    assert operation.deserialize.on_failure == spec_pb.SKIP
    assert build_operation(operation).skip is True


# ---- watermarks -------------------------------------------------------------------------------

def test_a_kafka_source_generates_the_strategys_watermarks_itself():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.get_config().set_auto_watermark_interval(750)
    strategy = WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_seconds(3)) \
        .with_idleness(Duration.of_seconds(10))
    env.from_source(json_source(), strategy, "orders").set_parallelism(4).print()
    spec = spec_of(env)
    assert kinds(spec) == ["source", "python", "sink"]  # no Timestamps/Watermarks node
    watermarks = spec.transformations[0].source.kafka.watermarks
    assert (watermarks.kind, watermarks.out_of_orderness_ms, watermarks.idleness_ms, watermarks.interval_ms) == \
        (spec_pb.WatermarkSpec.BOUNDED_OUT_OF_ORDERNESS, 3000, 10000, 750)
    assert not watermarks.timestamp_assigner
    assert [t.parallelism for t in spec.transformations[:2]] == [4, 4]


def test_no_watermarks_leaves_the_kafka_source_without_any():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_source(strings_source(), WatermarkStrategy.no_watermarks(), "orders").print()
    spec = spec_of(env)
    assert kinds(spec) == ["source", "sink"] and not spec.transformations[0].source.kafka.HasField("watermarks")


class FieldTimestamp(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[0]


def test_a_timestamp_assigner_keeps_its_node_after_the_deserializer():
    env = StreamExecutionEnvironment.get_execution_environment()
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(FieldTimestamp())
    env.from_source(json_source(), strategy, "orders").set_parallelism(2).print()
    spec = spec_of(env)
    source, parse, watermarks, _ = spec.transformations
    assert kinds(spec) == ["source", "python", "watermarks", "sink"]
    assert watermarks.inputs[0].source_id == parse.id and watermarks.watermarks.timestamp_assigner
    assert not source.source.kafka.HasField("watermarks")
    assert [t.parallelism for t in (source, parse, watermarks)] == [2, 2, 2]
    assert watermarks.watermarks.per_split  # the engine generates them per Kafka partition


def test_uid_on_from_sources_stream_names_the_source_that_holds_the_offsets():
    env = StreamExecutionEnvironment.get_execution_environment()
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(FieldTimestamp())
    env.from_source(json_source(), strategy, "orders").uid("orders-source").print()
    source, parse, watermarks, _ = spec_of(env).transformations
    assert (source.uid, parse.uid, watermarks.uid) == ("orders-source", "", "")


# ---- KafkaSink ------------------------------------------------------------------------------

def json_records(topic="out"):
    return KafkaRecordSerializationSchema.builder().set_topic(topic) \
        .set_value_serialization_schema(JsonRowSerializationSchema.builder().with_type_info(ROW).build()).build()


def test_sink_spec_carries_the_guarantee_the_topic_and_the_users_schemas():
    sink = KafkaSink.builder().set_bootstrap_servers("k:9092").set_record_serializer(json_records()) \
        .set_delivery_guarantee(DeliveryGuarantee.EXACTLY_ONCE).set_transactional_id_prefix("orders-job") \
        .set_property("linger.ms", 5).build()
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection([(1, "a")], ROW).sink_to(sink)
    transformation = spec_of(env).transformations[-1]
    kafka = transformation.sink.kafka
    assert transformation.name == "Sink: KafkaSink"
    assert (kafka.bootstrap_servers, kafka.topic, kafka.delivery_guarantee, kafka.transactional_id_prefix) == \
        ("k:9092", "out", spec_pb.EXACTLY_ONCE, "orders-job")
    assert dict(kafka.properties) == {"linger.ms": "5"}
    assert isinstance(cloudpickle.loads(kafka.value_serialization_schema), JsonRowSerializationSchema)
    assert not kafka.key_serialization_schema and not kafka.topic_selector
    framer = build_kafka_framer(kafka)
    assert isinstance(framer, KafkaRecordFramer)
    # No topic (the sink's own), no key, then the 19 bytes of the JSON value.
    assert framer.frame([(1, "a")]) == b"\xff" * 8 + b"\x13\x00\x00\x00" + b'{"id":1,"name":"a"}'


def test_a_topic_selector_leaves_the_sinks_topic_empty_and_the_default_guarantee_is_none():
    records = KafkaRecordSerializationSchema.builder().set_topic_selector(lambda row: "t-" + row[1]) \
        .set_value_serialization_schema(SimpleStringSchema()).build()
    sink = KafkaSink.builder().set_bootstrap_servers("k:1").set_record_serializer(records).build()
    kafka = sink._to_sink_spec()[1].kafka
    assert kafka.topic == "" and kafka.delivery_guarantee == spec_pb.NONE and kafka.transactional_id_prefix == ""


@pytest.mark.parametrize("build, error, message", [
    (lambda: KafkaSink.builder().set_record_serializer(json_records()).build(), ValueError, "bootstrapServers"),
    (lambda: KafkaSink.builder().set_bootstrap_servers("k:1").build(), ValueError, "recordSerializer"),
    (lambda: KafkaSink.builder().set_bootstrap_servers("k:1").set_record_serializer(json_records())
     .set_delivery_guarantee(DeliveryGuarantee.EXACTLY_ONCE).build(), ValueError, "requires a transactionalIdPrefix"),
    (lambda: KafkaSink.builder().set_delivery_guarantee("EXACTLY_ONCE"), TypeError, "DeliveryGuarantee"),
    (lambda: KafkaSink.builder().set_record_serializer(SimpleStringSchema()), TypeError,
     "KafkaRecordSerializationSchema"),
    (lambda: KafkaRecordSerializationSchema.builder().set_topic("t").build(), ValueError,
     "No value serializer is configured"),
    (lambda: KafkaRecordSerializationSchema.builder().set_value_serialization_schema(SimpleStringSchema()).build(),
     ValueError, "No topic selector is configured"),
    (lambda: KafkaRecordSerializationSchema.builder().set_topic("t").set_topic_selector(lambda r: "u"),
     ValueError, "Topic selector already set"),
    (lambda: KafkaRecordSerializationSchema.builder().set_value_serialization_schema(SimpleStringSchema())
     .set_value_serialization_schema(SimpleStringSchema()), ValueError, "Value serializer already set"),
    (lambda: KafkaRecordSerializationSchema.builder().set_value_serialization_schema(object()), TypeError,
     "object is not supported by PyStream"),
    (lambda: KafkaRecordSerializationSchema.builder().set_topic_selector("topic"), TypeError,
     "KafkaTopicSelector or a callable"),
])
def test_sink_builders_refuse_what_flink_refuses(build, error, message):
    with pytest.raises(error, match=message):
        build()


# ---- legacy adapters ------------------------------------------------------------------------

def test_flink_kafka_consumer_is_a_kafka_source_added_with_add_source():
    consumer = FlinkKafkaConsumer("orders", JsonRowDeserializationSchema.builder().type_info(ROW).build(),
                                  {"bootstrap.servers": "k:9092", "group.id": "g", "auto.offset.reset": "earliest",
                                   "flink.partition-discovery.interval-millis": "30000"})
    consumer.set_commit_offsets_on_checkpoints(False)
    env = StreamExecutionEnvironment.get_execution_environment()
    env.add_source(consumer).print()
    spec = spec_of(env)
    source, parse, _ = spec.transformations
    assert (source.name, parse.name) == ("Source: Custom Source", "Source: Custom Source: Deserialize")
    kafka = source.source.kafka
    assert (list(kafka.topics), kafka.bootstrap_servers, kafka.group_id) == (["orders"], "k:9092", "g")
    # The old consumer starts from the group's offsets, falling back to auto.offset.reset.
    assert (kafka.starting_offsets.kind, kafka.starting_offsets.reset_strategy) == \
        (Offsets.COMMITTED, Offsets.RESET_EARLIEST)
    assert kafka.properties["commit.offsets.on.checkpoint"] == "false"
    assert kafka.properties["partition.discovery.interval.ms"] == "30000"
    assert consumer.get_produced_type() == ROW


def test_flink_kafka_consumer_start_positions():
    consumer = FlinkKafkaConsumer(["a", "b"], SimpleStringSchema(), {"bootstrap.servers": "k:1"})
    offsets = consumer._to_source_spec()[0].kafka.starting_offsets
    assert offsets.kind == Offsets.LATEST  # no group: Kafka's auto.offset.reset default decides
    assert consumer.set_start_from_earliest()._to_source_spec()[0].kafka.starting_offsets.kind == Offsets.EARLIEST
    at = consumer.set_start_from_timestamp(1234)._to_source_spec()[0].kafka.starting_offsets
    assert (at.kind, at.timestamp_ms) == (Offsets.TIMESTAMP, 1234)
    assert list(consumer._to_source_spec()[0].kafka.topics) == ["a", "b"]
    with pytest.raises(ValueError, match="bootstrap.servers"):
        FlinkKafkaConsumer("a", SimpleStringSchema(), {"group.id": "g"})


def test_flink_kafka_producer_is_a_kafka_sink_added_with_add_sink():
    producer = FlinkKafkaProducer("out", SimpleStringSchema(), {"bootstrap.servers": "k:9092", "acks": "all"},
                                  semantic=Semantic.EXACTLY_ONCE)
    env = StreamExecutionEnvironment.get_execution_environment()
    env.from_collection(["x"]).add_sink(producer)
    transformation = spec_of(env).transformations[-1]
    kafka = transformation.sink.kafka
    assert transformation.name == "Sink: FlinkKafkaProducer"
    assert (kafka.topic, kafka.delivery_guarantee, kafka.transactional_id_prefix) == ("out", spec_pb.EXACTLY_ONCE,
                                                                                     "pystream-out")
    assert dict(kafka.properties) == {"acks": "all"}
    default = FlinkKafkaProducer("out", SimpleStringSchema(), {"bootstrap.servers": "k:1"})
    assert default._to_sink_spec()[1].kafka.delivery_guarantee == spec_pb.AT_LEAST_ONCE
    assert default.set_flush_on_checkpoint(False)._to_sink_spec()[1].kafka.delivery_guarantee == spec_pb.NONE
    with pytest.raises(ValueError, match="bootstrap.servers must be supplied"):
        FlinkKafkaProducer("out", SimpleStringSchema(), {})
    with pytest.raises(NotImplementedError, match="set_log_failures_only"):
        default.set_log_failures_only(True)


# ---- format builders --------------------------------------------------------------------------

@pytest.mark.parametrize("build, error, message", [
    (lambda: JsonRowDeserializationSchema.builder().build(), TypeError, "Typeinfo should be set"),
    (lambda: JsonRowDeserializationSchema.builder().type_info(Types.INT()).build(), ValueError,
     "Only RowTypeInfo is supported"),
    (lambda: JsonRowSerializationSchema.builder().build(), TypeError, "Typeinfo should be set"),
    (lambda: JsonRowSerializationSchema.builder().with_type_info(Types.ROW([Types.TUPLE([Types.INT()])])).build(),
     ValueError, "Unsupported type information"),
    (lambda: JsonRowDeserializationSchema.builder().json_schema("{}"), NotImplementedError, "json_schema"),
    (lambda: CsvRowDeserializationSchema.Builder(None), TypeError, "Type information must not be None"),
    (lambda: CsvRowSerializationSchema.Builder(Types.STRING()), ValueError, "Row type information expected"),
    (lambda: CsvRowSerializationSchema.Builder(Types.ROW([Types.MAP(Types.STRING(), Types.INT())])), ValueError,
     "Unsupported type information"),
    (lambda: CsvRowSerializationSchema.Builder(Types.ROW([Types.OBJECT_ARRAY(ROW)])), ValueError,
     "Only simple types are supported in the second level"),
    (lambda: CsvRowSerializationSchema.Builder(ROW).set_line_delimiter(";"), ValueError, "new line delimiter"),
    (lambda: CsvRowDeserializationSchema.Builder(ROW).set_field_delimiter("::"), ValueError, "single character"),
])
def test_format_builders_refuse_what_flink_refuses(build, error, message):
    with pytest.raises(error, match=message):
        build()
