"""The tableau, byte for byte, on the data of Flink's TableauStyleTest.

The expected tables are written out by hand from TableauStyle's rules (and agree with the
strings that test pins): widths from types or data, right alignment, cuts ending in ``...``,
CJK characters two columns wide.
"""
import pytest

from pystream.table._tableau import display_width, print_table

NAMES = ["boolean", "int", "bigint", "varchar", "decimal(10, 5)", "timestamp"]
# BOOLEAN, INT, BIGINT, STRING (the max width), DECIMAL(10, 5), TIMESTAMP(6)
TYPE_WIDTHS = [5, 11, 20, 30, 12, 26]
LONG = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
JAPANESE = "これは日本語をテストするための文です"
ROWS = [
    (0, (None, "1", "2", "abc", "1.23000", "2020-03-01 18:39:14.000000")),
    (0, ("false", None, "0", "", "1.00000", "2020-03-01 18:39:14.100000")),
    (3, ("true", "2147483647", None, "abcdefg", "12345.00000", "2020-03-01 18:39:14.120000")),
    (0, ("false", "-2147483648", "9223372036854775807", None, "12345.06789", "2020-03-01 18:39:14.123000")),
    (0, ("true", "100", "-9223372036854775808", "abcdefg111", None, "2020-03-01 18:39:14.123456")),
    (1, (None, "-1", "-1", LONG, "-12345.06789", None)),
    (2, (None, "-1", "-1", "这是一段中文", "-12345.06789", "2020-03-04 18:39:14.000000")),
    (3, (None, "-1", "-1", JAPANESE, "-12345.06789", "2020-03-04 18:39:14.000000")),
]


def table(header, rows, footer):
    """A tableau's text: its border is the header with every '|' a '+' and everything else '-'."""
    border = "".join("+" if char == "|" else "-" for char in header)
    return "".join(line + "\n" for line in [border, header, border, *rows, border, footer])


def render(names, type_widths, rows, **options):
    lines = []
    print_table(names, type_widths, rows, write=lines.append, **options)
    assert all(line.endswith("\n") for line in lines)
    return "".join(lines)


def test_display_width_counts_east_asian_wide_characters_twice():
    assert [display_width(s) for s in ["abcdefg,12345,ABC", "to be or not to be that's a question.",
                                       "这是一段中文", JAPANESE]] == [17, 37, 12, 36]
    assert [display_width(c) for c in "Aa,中，こ"] == [1, 1, 1, 2, 2, 2]
    # outside the BMP: two UTF-16 units, plus one for a wide character (U+1F600 is W)
    assert display_width("\U0001F600") == 3
    assert display_width("\U00010000") == 2


def test_no_rows_is_just_empty_set_in_every_layout():
    assert render(NAMES, None, [], streaming=False, max_width=30) == "Empty set\n"
    assert render(NAMES, TYPE_WIDTHS, [], streaming=True, max_width=30, null_as_empty=True) == "Empty set\n"
    assert render(NAMES, TYPE_WIDTHS, iter([]), streaming=False, max_width=30) == "Empty set\n"


def test_data_inferred_widths_without_row_kinds():
    expected = table(
        "| boolean |         int |               bigint |                        varchar | decimal(10, 5) |                  timestamp |",
        [
            "|  <NULL> |           1 |                    2 |                            abc |        1.23000 | 2020-03-01 18:39:14.000000 |",
            "|   false |      <NULL> |                    0 |                                |        1.00000 | 2020-03-01 18:39:14.100000 |",
            "|    true |  2147483647 |               <NULL> |                        abcdefg |    12345.00000 | 2020-03-01 18:39:14.120000 |",
            "|   false | -2147483648 |  9223372036854775807 |                         <NULL> |    12345.06789 | 2020-03-01 18:39:14.123000 |",
            "|    true |         100 | -9223372036854775808 |                     abcdefg111 |         <NULL> | 2020-03-01 18:39:14.123456 |",
            "|  <NULL> |          -1 |                   -1 | abcdefghijklmnopqrstuvwxyza... |   -12345.06789 |                     <NULL> |",
            "|  <NULL> |          -1 |                   -1 |                   这是一段中文 |   -12345.06789 | 2020-03-04 18:39:14.000000 |",
            "|  <NULL> |          -1 |                   -1 |  これは日本語をテストするた... |   -12345.06789 | 2020-03-04 18:39:14.000000 |",
        ],
        "8 rows in set")
    assert render(NAMES, None, ROWS, streaming=False, max_width=30) == expected


def test_type_inferred_widths_with_row_kinds_and_nulls_printed_empty():
    expected = table(
        "| op | boolean |         int |               bigint |                        varchar | decimal(10, 5) |                  timestamp |",
        [
            "| +I |         |           1 |                    2 |                            abc |        1.23000 | 2020-03-01 18:39:14.000000 |",
            "| +I |   false |             |                    0 |                                |        1.00000 | 2020-03-01 18:39:14.100000 |",
            "| -D |    true |  2147483647 |                      |                        abcdefg |    12345.00000 | 2020-03-01 18:39:14.120000 |",
            "| +I |   false | -2147483648 |  9223372036854775807 |                                |    12345.06789 | 2020-03-01 18:39:14.123000 |",
            "| +I |    true |         100 | -9223372036854775808 |                     abcdefg111 |                | 2020-03-01 18:39:14.123456 |",
            "| -U |         |          -1 |                   -1 | abcdefghijklmnopqrstuvwxyza... |   -12345.06789 |                            |",
            "| +U |         |          -1 |                   -1 |                   这是一段中文 |   -12345.06789 | 2020-03-04 18:39:14.000000 |",
            "| -D |         |          -1 |                   -1 |  これは日本語をテストするた... |   -12345.06789 | 2020-03-04 18:39:14.000000 |",
        ],
        "8 rows in set")
    assert render(NAMES, TYPE_WIDTHS, ROWS, streaming=True, max_width=30, null_as_empty=True) == expected


def test_data_inferred_widths_with_row_kinds_and_nulls_printed_empty():
    expected = table(
        "| op | boolean |        int | bigint | varchar | decimal(10, 5) |                  timestamp |",
        [
            "| +I |         |          1 |      2 |     abc |        1.23000 | 2020-03-01 18:39:14.000000 |",
            "| +I |   false |            |      0 |         |        1.00000 | 2020-03-01 18:39:14.100000 |",
            "| -D |    true | 2147483647 |        | abcdefg |    12345.00000 | 2020-03-01 18:39:14.120000 |",
        ],
        "3 rows in set")
    assert render(NAMES, None, ROWS[:3], streaming=True, max_width=30, null_as_empty=True) == expected


def test_type_widths_make_room_for_null_and_the_name_but_are_not_capped():
    # INT (11) under a 12-character name, BOOLEAN (5) widened to <NULL>, STRING at max width 8,
    # DECIMAL(38, 2) at 40 even though the max width is 8.
    expected = table(
        "| a_longer_int |      b |        s |                                        d |",
        [
            "|            7 | <NULL> | abcde... |                                     1.50 |",
        ],
        "1 row in set")
    rows = [(0, ("7", None, "abcdefghij", "1.50"))]
    assert render(["a_longer_int", "b", "s", "d"], [11, 5, 8, 40], rows, streaming=False, max_width=8) == expected


def test_data_widths_are_capped_names_included():
    expected = table(
        "| ab... |",
        [
            "|    xy |",
        ],
        "1 row in set")
    assert render(["abcdefghij"], None, [(0, ("xy",))], streaming=False, max_width=5) == expected


def test_streaming_prints_the_header_and_each_row_as_it_arrives():
    lines = []
    seen_before_second_row = []

    def rows():
        yield 0, ("1",)
        seen_before_second_row.extend(lines)
        yield 1, ("1",)

    print_table(["n"], [11], rows(), streaming=True, max_width=30, write=lines.append)
    border = "+----+-------------+\n"
    assert seen_before_second_row == [border, "| op |           n |\n", border, "| +I |           1 |\n"]
    assert lines[4:] == ["| -U |           1 |\n", border, "2 rows in set\n"]


def test_a_cut_keeps_whole_characters_and_pads_to_the_width():
    # width 6 leaves 3 columns before "...": one wide character (2) and a space
    expected_row = "|  中... |"
    out = render(["c"], None, [(0, ("中文字x",))], streaming=False, max_width=6)
    assert out.splitlines()[3] == expected_row


def test_bad_input_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        render(["a"], None, [(0, ("1", "2"))], streaming=False, max_width=30)
    with pytest.raises(ValueError, match="2 type widths for 1 columns"):
        render(["a"], [1, 2], [(0, ("1",))], streaming=False, max_width=30)
    with pytest.raises(ValueError, match="greater than 0"):
        render(["a"], None, [], streaming=False, max_width=0)
