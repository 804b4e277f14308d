using PyStream.Engine.Records;
using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Rendering;

/// <summary>The expected blobs are written out byte by byte from the format documented on <see cref="RowWire"/>.</summary>
public sealed class RowWireTests
{
    private static readonly byte[] OwnText = [0xfe, 0xff, 0xff, 0xff];
    private static readonly byte[] NullText = [0xff, 0xff, 0xff, 0xff];

    [Fact]
    public void A_batch_carries_kinds_texts_and_typed_values()
    {
        SqlType[] types = [SqlType.BigInt, SqlType.String, SqlType.Double];
        var batch = new RowBatch(
            [
                new Column<long>([7, -1]),
                new Column<string>(["hé", null!], [false, true]),
                new Column<double>([0, 2.5], [true, false]),
            ],
            2,
            [RowKind.Insert, RowKind.UpdateBefore]);

        byte[] expected =
        [
            1, 3, 0, 0, 0,
            // +I[7, hé, null]
            0,
            .. OwnText, 2, 7, 0, 0, 0, 0, 0, 0, 0,
            .. OwnText, 4, 3, 0, 0, 0, 0x68, 0xc3, 0xa9,
            .. NullText, 0,
            // -U[-1, null, 2.5]
            1,
            .. OwnText, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            .. NullText, 0,
            3, 0, 0, 0, (byte)'2', (byte)'.', (byte)'5', 3, 0, 0, 0, 0, 0, 0, 0x04, 0x40,
        ];
        Assert.Equal(expected, RowWire.Encode(batch, types, SqlContext.Utc));
        Assert.Equal(expected, RowWire.Encode([(RowKind.Insert, [7L, "hé", null]), (RowKind.UpdateBefore, [-1L, null, 2.5])], types, SqlContext.Utc));
    }

    [Fact]
    public void Temporal_decimal_and_boolean_values_travel_with_their_tableau_text()
    {
        SqlType[] types = [SqlType.Boolean, SqlType.Decimal(5, 2), SqlType.Date, SqlType.Timestamp(3), SqlType.IntervalDayTime];
        byte[] expected =
        [
            1, 5, 0, 0, 0,
            3,
            4, 0, 0, 0, (byte)'T', (byte)'R', (byte)'U', (byte)'E', 1, 1,
            4, 0, 0, 0, (byte)'1', (byte)'.', (byte)'5', (byte)'0', 5, 4, 0, 0, 0, (byte)'1', (byte)'.', (byte)'5', (byte)'0',
            10, 0, 0, 0, .. "1970-01-02"u8, 6, 1, 0, 0, 0,
            23, 0, 0, 0, .. "1970-01-01 00:00:01.000"u8, 8, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0,
            15, 0, 0, 0, .. "+0 00:00:01.500"u8, 15, 0xdc, 0x05, 0, 0, 0, 0, 0, 0,
        ];
        var encoded = RowWire.Encode([(RowKind.Delete, [true, 1.5m, 1, 1_000_000L, 1500L])], types, SqlContext.Utc);
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void Nested_values_carry_field_names_and_elements()
    {
        var rowType = SqlType.Row([new SqlField("a", SqlType.Int), new SqlField("b", SqlType.Array(SqlType.Boolean))]);
        byte[] expected =
        [
            1, 1, 0, 0, 0,
            0,
            17, 0, 0, 0, .. "(1, [TRUE, null])"u8,
            13, 2, 0, 0, 0,
            1, 0, 0, 0, (byte)'a', 2, 1, 0, 0, 0, 0, 0, 0, 0,
            1, 0, 0, 0, (byte)'b', 11, 2, 0, 0, 0, 1, 1, 0,
        ];
        var encoded = RowWire.Encode([(RowKind.Insert, [new object?[] { 1, new object?[] { true, null } }])], [rowType], SqlContext.Utc);
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void Every_column_type_of_a_batch_encodes_as_the_same_rows_given_one_by_one()
    {
        SqlType[] types = [SqlType.TinyInt, SqlType.SmallInt, SqlType.Int, SqlType.Boolean, SqlType.Varchar(5), SqlType.TimestampLtz(3), SqlType.Bytes];
        var batch = new RowBatch(
            [
                new Column<sbyte>([-1, 2]),
                new Column<short>([300, 0], [false, true]),
                new Column<int>([5, 0], [false, true]),
                new Column<bool>([true, false]),
                new Column<string>(["ab", null!], [false, true]),
                new Column<long>([1_000L, 0], [false, true]),
                new Column<byte[]>([[1, 2], null!], [false, true]),
            ],
            2);
        (RowKind, object?[])[] rows =
        [
            (RowKind.Insert, [(sbyte)-1, (short)300, 5, true, "ab", 1_000L, new byte[] { 1, 2 }]),
            (RowKind.Insert, [(sbyte)2, null, null, false, null, null, null]),
        ];
        Assert.Equal(RowWire.Encode(rows, types, SqlContext.Utc), RowWire.Encode(batch, types, SqlContext.Utc));
    }

    [Fact]
    public void No_rows_is_just_the_header() =>
        Assert.Equal([1, 2, 0, 0, 0], RowWire.Encode([], [SqlType.Int, SqlType.String], SqlContext.Utc));

    [Fact]
    public void A_row_of_the_wrong_width_is_refused() =>
        Assert.Throws<ArgumentException>(() => RowWire.Encode([(RowKind.Insert, [1])], [SqlType.Int, SqlType.Int], SqlContext.Utc));
}
