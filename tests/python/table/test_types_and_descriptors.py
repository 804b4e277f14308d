"""DataTypes, Schema and TableDescriptor as SQL text: the DDL the engine receives (expected texts written by hand)."""

import pytest

from pyflink.table import DataTypes, FormatDescriptor, Schema, TableDescriptor
from pystream.table.types import _parse_type


@pytest.mark.parametrize("data_type, text", [
    (DataTypes.INT(), "INT"),
    (DataTypes.INT().not_null(), "INT NOT NULL"),
    (DataTypes.INT(nullable=False).nullable(), "INT"),
    (DataTypes.BIGINT(False), "BIGINT NOT NULL"),
    (DataTypes.STRING(), "STRING"),
    (DataTypes.VARCHAR(10), "VARCHAR(10)"),
    (DataTypes.CHAR(3), "CHAR(3)"),
    (DataTypes.BYTES(), "BYTES"),
    (DataTypes.VARBINARY(4), "VARBINARY(4)"),
    (DataTypes.DECIMAL(10, 2), "DECIMAL(10, 2)"),
    (DataTypes.TIMESTAMP(3), "TIMESTAMP(3)"),
    (DataTypes.TIMESTAMP(), "TIMESTAMP(6)"),
    (DataTypes.TIMESTAMP_LTZ(3), "TIMESTAMP_LTZ(3)"),
    (DataTypes.TIME(), "TIME(0)"),
    (DataTypes.DATE(), "DATE"),
    (DataTypes.BOOLEAN(), "BOOLEAN"),
    (DataTypes.DOUBLE(), "DOUBLE"),
    (DataTypes.FLOAT(), "FLOAT"),
    (DataTypes.TINYINT(), "TINYINT"),
    (DataTypes.SMALLINT(), "SMALLINT"),
    (DataTypes.ARRAY(DataTypes.INT().not_null()), "ARRAY<INT NOT NULL>"),
    (DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT()).not_null(), "MAP<STRING, BIGINT> NOT NULL"),
    (DataTypes.MULTISET(DataTypes.STRING()), "MULTISET<STRING>"),
    (DataTypes.ROW([DataTypes.FIELD("id", DataTypes.INT()), DataTypes.FIELD("my`name", DataTypes.STRING(), "it's")]),
     "ROW<`id` INT, `my``name` STRING 'it''s'>"),
    (DataTypes.INTERVAL(DataTypes.DAY(), DataTypes.SECOND(3)), "INTERVAL DAY(2) TO SECOND(3)"),
    (DataTypes.INTERVAL(DataTypes.YEAR(4), DataTypes.MONTH()), "INTERVAL YEAR(4) TO MONTH"),
    (DataTypes.INTERVAL(DataTypes.MINUTE()), "INTERVAL MINUTE"),
])
def test_a_type_is_written_as_flink_writes_it(data_type, text):
    assert str(data_type) == text


def test_not_null_makes_a_new_type():
    nullable = DataTypes.INT()
    assert str(nullable.not_null()) == "INT NOT NULL"
    assert str(nullable) == "INT"


@pytest.mark.parametrize("make, message", [
    (lambda: DataTypes.DECIMAL(39, 0), "precision between 1 and 38"),
    (lambda: DataTypes.DECIMAL(5, 6), "scale between 0 and the precision 5"),
    (lambda: DataTypes.TIMESTAMP(10), "TIMESTAMP takes a size between 0 and 9"),
    (lambda: DataTypes.VARCHAR(0), "VARCHAR takes a size between 1"),
    (lambda: DataTypes.INTERVAL(DataTypes.SECOND(), DataTypes.DAY()), "no interval type goes from SECOND to DAY"),
    (lambda: DataTypes.INTERVAL(DataTypes.YEAR(), DataTypes.SECOND()), "no interval type goes from YEAR to SECOND"),
])
def test_an_impossible_type_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_container_of_something_that_is_no_type_is_refused():
    with pytest.raises(TypeError, match="ARRAY's element type must be a DataType"):
        DataTypes.ARRAY("INT")


@pytest.mark.parametrize("text, expected", [
    ("INT NOT NULL", DataTypes.INT(False)),
    ("STRING", DataTypes.STRING()),
    ("VARCHAR(5)", DataTypes.VARCHAR(5)),
    ("DECIMAL(10, 2)", DataTypes.DECIMAL(10, 2)),
    ("TIMESTAMP(3) *ROWTIME*", DataTypes.TIMESTAMP(3)),
    ("TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*", DataTypes.TIMESTAMP_LTZ(3, False)),
    ("BIGINT", DataTypes.BIGINT()),
])
def test_the_engine_type_texts_read_back_as_types(text, expected):
    assert _parse_type(text) == expected
    assert type(_parse_type(text)) is type(expected)


def test_a_type_text_without_a_class_keeps_its_text():
    assert str(_parse_type("ARRAY<INT NOT NULL> NOT NULL")) == "ARRAY<INT NOT NULL> NOT NULL"


def full_schema():
    return (Schema.new_builder()
            .column("user_id", DataTypes.STRING().not_null())
            .column("amount", "DECIMAL(10, 2)").with_comment("in euro's cents")
            .column("event_time", DataTypes.TIMESTAMP(3))
            .column_by_expression("doubled", "amount * 2")
            .column_by_metadata("ts", DataTypes.TIMESTAMP_LTZ(3), "timestamp", is_virtual=True)
            .column_by_metadata("partition", DataTypes.INT())
            .watermark("event_time", "event_time - INTERVAL '5' SECOND")
            .primary_key("user_id")
            .build())


def test_a_descriptor_becomes_create_temporary_table_text():
    descriptor = (TableDescriptor.for_connector("kafka")
                  .schema(full_schema())
                  .option("topic", "user_events")
                  .option("scan.bounded.mode", "latest-offset")
                  .option("properties.allow.auto.create.topics", False)
                  .option("sink.parallelism", 2)
                  .format(FormatDescriptor.for_format("json").option("ignore-parse-errors", True).build())
                  .partitioned_by("user_id")
                  .comment("the user's events")
                  .build())
    assert descriptor._create_table_sql("user_events", temporary=True) == (
        "CREATE TEMPORARY TABLE `user_events` (\n"
        "  `user_id` STRING NOT NULL,\n"
        "  `amount` DECIMAL(10, 2) COMMENT 'in euro''s cents',\n"
        "  `event_time` TIMESTAMP(3),\n"
        "  `doubled` AS amount * 2,\n"
        "  `ts` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,\n"
        "  `partition` INT METADATA,\n"
        "  WATERMARK FOR `event_time` AS event_time - INTERVAL '5' SECOND,\n"
        "  PRIMARY KEY (`user_id`) NOT ENFORCED\n"
        ")\n"
        "COMMENT 'the user''s events'\n"
        "PARTITIONED BY (`user_id`)\n"
        "WITH (\n"
        "  'connector' = 'kafka',\n"
        "  'topic' = 'user_events',\n"
        "  'scan.bounded.mode' = 'latest-offset',\n"
        "  'properties.allow.auto.create.topics' = 'false',\n"
        "  'sink.parallelism' = '2',\n"
        "  'format' = 'json',\n"
        "  'json.ignore-parse-errors' = 'true'\n"
        ")")


def test_a_key_format_gets_options_prefixed_by_its_key():
    descriptor = (TableDescriptor.for_connector("upsert-kafka")
                  .format(FormatDescriptor.for_format("csv").option("field-delimiter", "|").build(), "key.format")
                  .format("json", "value.format")
                  .build())
    assert descriptor.get_options() == {"connector": "upsert-kafka", "key.format": "csv",
                                        "key.csv.field-delimiter": "|", "value.format": "json"}


def test_a_descriptor_without_schema_and_a_quoted_path():
    descriptor = TableDescriptor.for_connector("datagen").option("number-of-rows", 10).build()
    assert descriptor._create_table_sql("db.my table", temporary=False) == (
        "CREATE TABLE `db`.`my table` WITH (\n  'connector' = 'datagen',\n  'number-of-rows' = '10'\n)")
    assert descriptor._create_table_sql("`cat`.`db`.t", temporary=False).startswith("CREATE TABLE `cat`.`db`.t WITH")


def test_a_named_primary_key_and_one_primary_key_only():
    schema = Schema.new_builder().column("a", DataTypes.INT().not_null()).primary_key_named("pk_a", "a").build()
    assert str(schema) == "(\n  `a` INT NOT NULL,\n  CONSTRAINT `pk_a` PRIMARY KEY (`a`) NOT ENFORCED\n)"
    with pytest.raises(ValueError, match="one primary key"):
        Schema.new_builder().column("a", DataTypes.INT()).primary_key("a").primary_key("a")


@pytest.mark.parametrize("build, error, message", [
    (lambda: Schema.new_builder().column("", DataTypes.INT()), ValueError, "a column needs a name"),
    (lambda: Schema.new_builder().column("a", 5), TypeError, "column 'a' needs a DataType"),
    (lambda: Schema.new_builder().with_comment("x"), ValueError, "declare a column first"),
    (lambda: Schema.new_builder().column_by_expression("b", object()), NotImplementedError, "must be SQL text"),
    (lambda: TableDescriptor.for_connector(""), ValueError, "a connector needs a name"),
    (lambda: TableDescriptor.for_connector("x").option("k", None), ValueError, "option 'k' needs a value"),
    (lambda: TableDescriptor.for_connector("x").schema("a INT"), TypeError, "schema takes a Schema"),
])
def test_bad_descriptions_are_refused_clearly(build, error, message):
    with pytest.raises(error, match=message):
        build()
