"""The Python half of the Kafka connector: record framing, JSON/CSV rows, the failure policy."""

import base64
import datetime
import json
import math
from decimal import Decimal

import cloudpickle
import pytest

from pyflink.common import Row, SimpleStringSchema, Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.kafka import (
    KafkaRecordSerializationSchema, KafkaSink, KafkaSource, KafkaTopicSelector)
from pyflink.datastream.formats.csv import CsvRowDeserializationSchema, CsvRowSerializationSchema
from pyflink.datastream.formats.json import JsonRowDeserializationSchema, JsonRowSerializationSchema
from pystream._proto import jobspec_pb2 as spec_pb
from pystream._runtime import worker
from pystream._runtime.factory import build_kafka_framer
from pystream._runtime.kafka import DeserializeOperation, KafkaRecordFramer
from pystream._runtime.row_formats import bytes_encoder, text_decoder
from pystream.errors import PyStreamError
from pystream.testing import InMemoryHost, OperatorHarness

NO_TOPIC_NO_KEY = b"\xff\xff\xff\xff\xff\xff\xff\xff"
ORDER = Types.ROW_NAMED(["id", "name", "price"], [Types.INT(), Types.STRING(), Types.DOUBLE()])


def json_out(type_info):
    return bytes_encoder(JsonRowSerializationSchema.builder().with_type_info(type_info).build())


def json_in(type_info, fail_on_missing_field=False):
    builder = JsonRowDeserializationSchema.builder().type_info(type_info)
    return text_decoder((builder.fail_on_missing_field() if fail_on_missing_field else builder).build())[1]


# ---- framing ----------------------------------------------------------------------------------

def test_string_values_for_the_sinks_topic_are_framed_without_topic_or_key():
    framer = KafkaRecordFramer(SimpleStringSchema())
    assert framer.frame(["a", "héllo", ""]) == (
        NO_TOPIC_NO_KEY + b"\x01\x00\x00\x00a"
        + NO_TOPIC_NO_KEY + b"\x06\x00\x00\x00h\xc3\xa9llo"
        + NO_TOPIC_NO_KEY + b"\x00\x00\x00\x00")
    assert framer.frame([]) == b""
    assert framer.frame(["\ud800"]) == NO_TOPIC_NO_KEY + b"\x01\x00\x00\x00?"  # Java writes '?' for a lone surrogate


class ByCategory(KafkaTopicSelector):
    def apply(self, data):
        return "orders-" + data["name"]


def test_topic_key_and_value_are_framed_in_that_order():
    latin = KafkaRecordFramer(SimpleStringSchema("ISO-8859-1"), key_schema=SimpleStringSchema("ISO-8859-1"))
    assert latin.frame(["é"]) == b"\xff\xff\xff\xff" + b"\x01\x00\x00\x00\xe9" + b"\x01\x00\x00\x00\xe9"
    with pytest.raises(TypeError, match=r"str records, got tuple: \(1, 'a'\)"):
        latin.frame([(1, "a")])
    framer = KafkaRecordFramer(JsonRowSerializationSchema.builder().with_type_info(ORDER).build(),
                               key_schema=SimpleStringSchema(), topic_selector=ByCategory())
    value = b'{"id":7,"name":"x","price":2.5}'
    with pytest.raises(TypeError, match="str records, got Row"):
        framer.frame([Row(id=7, name="x", price=2.5)])  # the key schema writes str records only
    framer = KafkaRecordFramer(JsonRowSerializationSchema.builder().with_type_info(ORDER).build(),
                               topic_selector=ByCategory())
    assert framer.frame([Row(id=7, name="x", price=2.5)]) == (
        b"\x08\x00\x00\x00orders-x" + b"\xff\xff\xff\xff" + len(value).to_bytes(4, "little") + value)


def test_a_framer_is_built_from_the_sinks_pickled_schemas_and_refuses_what_a_schema_cannot_write():
    value_schema = JsonRowSerializationSchema.builder().with_type_info(ORDER).build()
    framer = build_kafka_framer(spec_pb.KafkaSink(value_serialization_schema=cloudpickle.dumps(value_schema),
                                                  topic_selector=cloudpickle.dumps(lambda r: "t")))
    assert framer.frame([(1, "a", None)]) == (b"\x01\x00\x00\x00t" + b"\xff\xff\xff\xff" + b"\x20\x00\x00\x00"
                                              + b'{"id":1,"name":"a","price":null}')
    with pytest.raises(PyStreamError, match=r"Could not serialize row '\('x', 'a', 1.0\)'.*is not an int"):
        framer.frame([("x", "a", 1.0)])
    with pytest.raises(PyStreamError, match="different from number of field names: 3"):
        framer.frame([(1, "a")])
    with pytest.raises(TypeError, match="SimpleStringSchema serializes str records, got int: 42"):
        KafkaRecordFramer(SimpleStringSchema()).frame(["ok", 42])


# ---- JSON rows --------------------------------------------------------------------------------

EVERYTHING = Types.ROW_NAMED(
    ["b", "i", "l", "f", "d", "dec", "s", "date", "time", "ts", "ldt", "bytes", "list", "map", "inner"],
    [Types.BOOLEAN(), Types.INT(), Types.LONG(), Types.FLOAT(), Types.DOUBLE(), Types.BIG_DEC(), Types.STRING(),
     Types.SQL_DATE(), Types.SQL_TIME(), Types.SQL_TIMESTAMP(), Types.LOCAL_DATE_TIME(),
     Types.PRIMITIVE_ARRAY(Types.BYTE()), Types.BASIC_ARRAY(Types.LONG()), Types.MAP(Types.STRING(), Types.INT()),
     Types.ROW_NAMED(["x"], [Types.STRING()])])
EVERY_ROW = Row(b=True, i=-3, l=2**40, f=0.5, d=1e7, dec=Decimal("12.50"), s='q"\n\u00e9',
                date=datetime.date(2024, 2, 29), time=datetime.time(23, 59, 1), ts=datetime.datetime(2024, 1, 2, 3, 4, 5, 120000),
                ldt=datetime.datetime(2024, 1, 2, 3, 4), bytes=b"\x00\xff", list=[1, None], map={"k": 1},
                inner=Row(x=None))
EVERY_JSON = ('{"b":true,"i":-3,"l":1099511627776,"f":0.5,"d":1.0E7,"dec":12.50,"s":"q\\"\\n\u00e9",'
              '"date":"2024-02-29","time":"23:59:01Z","ts":"2024-01-02T03:04:05.12Z","ldt":"2024-01-02T03:04:00",'
              '"bytes":"AP8=","list":[1,null],"map":{"k":1},"inner":{"x":null}}')


def test_json_rows_are_written_compactly_with_javas_text_and_read_back():
    assert json_out(EVERYTHING)(EVERY_ROW).decode("utf-8") == EVERY_JSON
    back = json_in(EVERYTHING)(EVERY_JSON)
    assert back == EVERY_ROW and back._fields == EVERYTHING.get_field_names()
    assert back.inner._fields == ["x"] and back.dec == Decimal("12.5")  # Jackson reads the number as a double
    assert json_out(ORDER)((1, "a", math.nan)) == b'{"id":1,"name":"a","price":"NaN"}'  # quoted, as Jackson
    assert json_out(ORDER)({"name": "b", "id": 2, "price": 3}) == b'{"id":2,"name":"b","price":3.0}'


def test_json_fields_convert_as_jacksons_nodes_do():
    decode = json_in(ORDER)
    assert decode('{"id": "12", "name": 5.0, "price": 3}') == Row(id=12, name="5.0", price=3.0)
    assert decode('{"id": 1.9, "name": {"a": [1]}}') == Row(id=1, name='{"a":[1]}', price=None)
    assert decode('{"id": 1, "extra": true}') == Row(id=1, name=None, price=None)  # missing fields are null
    assert decode("null") is None  # no record
    with pytest.raises(ValueError, match=r"For input string: \"x\" \(INT expected\)"):
        decode('{"id": "x"}')
    with pytest.raises(ValueError, match="out of range"):
        decode('{"id": 3000000000}')
    with pytest.raises(ValueError, match="Could not find field with name 'price'"):
        json_in(ORDER, fail_on_missing_field=True)('{"id": 1, "name": "a"}')
    with pytest.raises(json.JSONDecodeError):
        decode('{"id": 1,')


# ---- CSV rows ---------------------------------------------------------------------------------

CSV_TYPE = Types.ROW_NAMED(["id", "name", "score", "tags", "when", "ok"],
                           [Types.INT(), Types.STRING(), Types.DOUBLE(), Types.BASIC_ARRAY(Types.STRING()),
                            Types.SQL_TIMESTAMP(), Types.BOOLEAN()])


def csv_out(builder=None):
    return bytes_encoder((builder or CsvRowSerializationSchema.Builder(CSV_TYPE)).build())


def csv_in(builder=None):
    return text_decoder((builder or CsvRowDeserializationSchema.Builder(CSV_TYPE)).build())[1]


def test_csv_lines_quote_text_as_jackson_does_and_end_with_the_line_delimiter():
    row = Row(7, 'say "hi", bye', 1e-4, ["a", "b"], datetime.datetime(2024, 5, 6, 7, 8, 9), False)
    assert csv_out()(row) == b'7,"say ""hi"", bye",1.0E-4,a;b,"2024-05-06 07:08:09.0",false\n'
    assert csv_out()(Row(1, "plain-text", 2.0, [], None, None)) == b"1,plain-text,2.0,,,\n"
    custom = CsvRowSerializationSchema.Builder(CSV_TYPE).set_field_delimiter("\t").set_line_delimiter("") \
        .set_array_element_delimiter("|").set_null_literal("NULL").disable_quote_character()
    assert csv_out(custom)(Row(1, "a b", 0.5, ["x", None], None, True)) == b"1\ta b\t0.5\tx|NULL\tNULL\ttrue"
    assert csv_in()(csv_out()(row).decode("utf-8")) == row


def test_csv_records_are_split_as_jackson_splits_them():
    decode = csv_in()
    assert decode('1,"a,""b""",2.5,x;y,2024-01-01 00:00:00,TRUE\r\nignored') == \
        Row(1, 'a,"b"', 2.5, ["x", "y"], datetime.datetime(2024, 1, 1), True)
    assert decode('2,"two\nlines",0,,2024-01-01 00:00:00.5,false') == \
        Row(2, "two\nlines", 0.0, [], datetime.datetime(2024, 1, 1, 0, 0, 0, 500000), False)
    escaped = csv_in(CsvRowDeserializationSchema.Builder(CSV_TYPE).set_escape_character("\\")
                     .set_null_literal("null").set_field_delimiter(";").set_array_element_delimiter("|"))
    assert escaped("3;a\\;b;null;p|q;null;null") == Row(3, "a;b", None, ["p", "q"], None, None)
    with pytest.raises(ValueError, match="Row length mismatch. 6 fields expected but was 2"):
        decode("1,a")
    with pytest.raises(ValueError, match="Too many entries"):
        decode("1,a,2,x,2024-01-01 00:00:00,true,extra")
    with pytest.raises(ValueError, match=r"field 'score': For input string: \"high\""):
        decode("1,a,high,x,2024-01-01 00:00:00,true")
    with pytest.raises(ValueError, match="Missing closing quote"):
        decode('1,"a,2')


def test_csv_parse_errors_can_be_ignored_field_by_field_and_comments_skipped():
    lenient = csv_in(CsvRowDeserializationSchema.Builder(CSV_TYPE).set_ignore_parse_errors(True)
                     .set_allow_comments(True))
    assert lenient("x,a,high") == Row(None, "a", None, None, None, None)
    assert lenient("# a comment\n# another") is None
    assert lenient("# header\n5,b,1,,2024-01-01 00:00:00,false") == \
        Row(5, "b", 1.0, [], datetime.datetime(2024, 1, 1), False)


def test_byte_arrays_are_base64_in_both_formats():
    blob = Types.ROW_NAMED(["data"], [Types.PRIMITIVE_ARRAY(Types.BYTE())])
    write = bytes_encoder(CsvRowSerializationSchema.Builder(blob).build())
    assert write(Row(b"\x01\xfe")) == b"Af4=\n"
    assert write(Row(b"\xfb\xff")) == b'"+/8="\n'  # '+' and '/' sort below ',': Jackson quotes them
    assert text_decoder(CsvRowDeserializationSchema.Builder(blob).build())[1]('"+/8="') == Row(data=b"\xfb\xff")
    assert json_out(blob)(Row(b"\xfb\xff")) == b'{"data":"+/8="}'
    assert json_in(blob)('{"data":"+/8="}') == Row(data=b"\xfb\xff")


# ---- the deserialize operation and its failure policy -----------------------------------------

def deserializer(skip):
    return DeserializeOperation(JsonRowDeserializationSchema.builder().type_info(ORDER).build(), "orders", skip)


def test_undeserializable_records_fail_the_job_naming_the_record_and_the_problem():
    harness = OperatorHarness(deserializer(skip=False)).open()
    assert harness.process(['{"id": 1, "name": "a", "price": 2}'], [100]) == [Row(id=1, name="a", price=2.0)]
    assert harness.last_timestamps == [100]
    with pytest.raises(PyStreamError) as failure:
        harness.process(["{" + "x" * 300])
    message = str(failure.value)
    assert message.startswith("Failed to deserialize JSON '{" + "x" * 199 + "...': Expecting property name")
    assert isinstance(failure.value.__cause__, json.JSONDecodeError)


def test_skipped_records_are_dropped_counted_and_reported_once(capsys):
    operation = deserializer(skip=True)
    harness = OperatorHarness(operation).open()
    rows = harness.process(['{"id": 1}', "not json", '{"id": "two"}', "null", None, '{"id": 3}'], [1, 2, 3, 4, 5, 6])
    assert rows == [Row(id=1, name=None, price=None), Row(id=3, name=None, price=None)]
    assert harness.last_timestamps == [1, 6]  # records keep their own timestamps
    assert operation.skipped == 2  # a JSON null and a tombstone are no records, not failures
    assert harness.process(["also not json"]) == [] and operation.skipped == 3
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["pystream: orders skipped an undeserializable record: Failed to deserialize JSON 'not json': "
                     "Expecting value: line 1 column 1 (char 0)"]


# ---- through a segment, as the engine runs it ---------------------------------------------------

def test_a_segment_parses_kafka_text_and_frames_the_sinks_records():
    from pyflink.common import WatermarkStrategy
    env = StreamExecutionEnvironment.get_execution_environment()
    source = KafkaSource.builder().set_bootstrap_servers("k:1").set_topics("in") \
        .set_value_only_deserializer(JsonRowDeserializationSchema.builder().type_info(ORDER).build()).build()
    records = KafkaRecordSerializationSchema.builder().set_topic("out") \
        .set_value_serialization_schema(CsvRowSerializationSchema.Builder(ORDER).set_line_delimiter("").build()).build()
    env.from_source(source, WatermarkStrategy.no_watermarks(), "in") \
        .map(lambda row: Row(id=row.id * 10, name=row.name, price=row.price), ORDER) \
        .sink_to(KafkaSink.builder().set_bootstrap_servers("k:1").set_record_serializer(records).build())
    job = worker.load_job(env._take_spec("t").SerializeToString())
    _, parse, mapped, sink = [t.id for t in job.spec.transformations]
    description = json.dumps({
        "operations": [{"id": parse, "inputs": [[-1, 0, 0]]}, {"id": mapped, "inputs": [[0, 0, 0]]}],
        "entries": 1,
        "exits": [{"from": [1, 0], "format": "serialized", "keying": "none", "consumer": sink,
                   "function": base64.b64encode(b"").decode()}],
        "task": {"name": "t", "index": 0, "parallelism": 1, "max_parallelism": 128, "attempt": 0},
    })
    segment = job.create_segment(description, InMemoryHost())
    segment.open()
    payload, count, *_ = segment.process_text(0, '{"id": 4, "name": "a b", "price": 1.5}', 1)[0]
    assert count == 1 and payload == NO_TOPIC_NO_KEY + b"\x0c\x00\x00\x00" + b'40,"a b",1.5'
