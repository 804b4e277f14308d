import pickle

import pytest

from pystream.common import (
    Configuration, Duration, Encoder, Instant, SimpleStringSchema, Time)


def test_duration_factories_agree_in_milliseconds():
    assert Duration.of_millis(1500).to_milliseconds() == 1500
    assert Duration.of_seconds(2).to_milliseconds() == 2000
    assert Duration.of_minutes(1).to_milliseconds() == 60_000
    assert Duration.of_hours(1).to_milliseconds() == 3_600_000
    assert Duration.of_days(1).to_milliseconds() == 86_400_000
    assert Duration.of_nanos(1_999_999).to_milliseconds() == 1
    assert Duration.of_nanos(-1).to_milliseconds() == -1  # floors, like toMillis


def test_duration_equality_hash_and_pickle():
    assert Duration.of_seconds(1) == Duration.of_millis(1000)
    assert Duration.of_seconds(1) != Duration.of_millis(1001)
    assert hash(Duration.of_minutes(1)) == hash(Duration.of_seconds(60))
    assert pickle.loads(pickle.dumps(Duration.of_millis(5))) == Duration.of_millis(5)


@pytest.mark.parametrize("duration, text", [
    (Duration.of_millis(0), "PT0S"), (Duration.of_seconds(5), "PT5S"),
    (Duration.of_minutes(90), "PT1H30M"), (Duration.of_millis(500), "PT0.5S"),
    (Duration.of_millis(-1500), "PT-1.5S"), (Duration.of_minutes(-90), "PT-1H-30M"),
    (Duration.of_days(2), "PT48H"),
])
def test_duration_repr_is_java_iso(duration, text):
    assert repr(duration) == text


def test_time_window_sizes():
    assert Time.milliseconds(10).to_milliseconds() == 10
    assert Time.seconds(5).to_milliseconds() == 5000
    assert Time.minutes(2).to_milliseconds() == 120_000
    assert Time.hours(1).to_milliseconds() == 3_600_000
    assert Time.days(1).to_milliseconds() == 86_400_000
    assert Time.seconds(1) == Time.milliseconds(1000) and str(Time.seconds(1)) == "1000 ms"
    assert pickle.loads(pickle.dumps(Time.seconds(3))) == Time.seconds(3)


def test_instant_epoch_millis_round_trip():
    instant = Instant.of_epoch_milli(-1)
    assert (instant.seconds, instant.nanos) == (-1, 999_000_000)
    assert instant.to_epoch_milli() == -1
    assert Instant.of_epoch_milli(1_700_000_000_123).to_epoch_milli() == 1_700_000_000_123
    assert repr(Instant(5, 7)) == "Instant<5, 7>"
    assert pickle.loads(pickle.dumps(Instant(1, 2))) == Instant(1, 2)


def test_configuration_stores_strings_and_parses_on_read():
    config = Configuration()
    assert config.set_string("a", "4") is config
    assert config.get_integer("a", 0) == 4
    assert config.get_float("a", 0.0) == 4.0
    config.set_integer("n", 7).set_boolean("flag", True).set_float("f", 0.5)
    assert config.get_string("n", "") == "7"
    assert config.get_string("flag", "") == "true"
    assert config.get_boolean("flag", False) is True
    assert config.get_float("f", 0.0) == 0.5
    config.set_string("b", "FALSE")
    assert config.get_boolean("b", True) is False


def test_configuration_defaults_and_bad_values():
    config = Configuration()
    assert config.get_integer("missing", 3) == 3
    assert config.get_string("missing", "x") == "x"
    assert config.get_boolean("missing", True) is True
    config.set_string("bad", "yes")
    with pytest.raises(ValueError):
        config.get_boolean("bad", False)
    with pytest.raises(ValueError):
        config.get_integer("bad", 0)


def test_configuration_key_operations():
    config = Configuration().set_string("a", "1").set_string("b", "2")
    assert config.key_set() == {"a", "b"}
    assert config.contains_key("a") and not config.contains_key("c")
    assert config.to_dict() == {"a": "1", "b": "2"}
    other = Configuration()
    other.add_all(config)
    assert other == config
    prefixed = Configuration()
    prefixed.add_all(config, "p.")
    assert prefixed.to_dict() == {"p.a": "1", "p.b": "2"}
    assert config.remove_config("a") is True and config.remove_config("a") is False
    assert config != other
    assert Configuration(other) == other
    target = {}
    other.add_all_to_dict(target)
    assert target == {"a": "1", "b": "2"}
    assert pickle.loads(pickle.dumps(other)) == other


def test_simple_string_schema_round_trip():
    schema = SimpleStringSchema()
    assert schema.serialize("héllo") == "héllo".encode("utf-8")
    assert schema.deserialize("héllo".encode("utf-8")) == "héllo"
    latin = SimpleStringSchema("ISO-8859-1")
    assert latin.serialize("é€") == b"\xe9?"  # unmappable becomes '?', as in Java
    assert SimpleStringSchema().deserialize(b"a\xffb") == "a\ufffdb"
    assert pickle.loads(pickle.dumps(latin)) == latin


def test_java_utf16_is_big_endian_with_mark():
    schema = SimpleStringSchema("UTF-16")
    assert schema.serialize("a") == b"\xfe\xff\x00a"
    assert schema.deserialize(b"\x00a") == "a"
    assert schema.deserialize(b"\xff\xfea\x00") == "a"


def test_unknown_charset_is_rejected():
    with pytest.raises(ValueError):
        SimpleStringSchema("NO-SUCH-CHARSET")


def test_simple_string_encoder_writes_str_and_newline():
    encoder = Encoder.simple_string_encoder()
    assert encoder.encode("a,b") == b"a,b\n"
    assert encoder.encode(("x", 1)) == b"('x', 1)\n"
    assert Encoder.simple_string_encoder("UTF-16").encode("a") == b"\xfe\xff\x00a\n"
    assert pickle.loads(pickle.dumps(encoder)).encode(5) == b"5\n"
