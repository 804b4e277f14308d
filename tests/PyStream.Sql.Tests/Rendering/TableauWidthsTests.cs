using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Rendering;

/// <summary>TableauStyle.columnWidthsByType, before the name and &lt;NULL&gt; widen a column.</summary>
public sealed class TableauWidthsTests
{
    [Fact]
    public void Numbers_leave_room_for_a_minus_sign()
    {
        Assert.Equal(4, TableauWidths.Of(SqlType.TinyInt));
        Assert.Equal(6, TableauWidths.Of(SqlType.SmallInt));
        Assert.Equal(11, TableauWidths.Of(SqlType.Int));
        Assert.Equal(20, TableauWidths.Of(SqlType.BigInt));
        Assert.Equal(12, TableauWidths.Of(SqlType.Decimal(10, 5)));
    }

    [Fact]
    public void Dates_times_and_timestamps_are_as_wide_as_their_text()
    {
        Assert.Equal(5, TableauWidths.Of(SqlType.Boolean));
        Assert.Equal(10, TableauWidths.Of(SqlType.Date));
        Assert.Equal(8, TableauWidths.Of(SqlType.Time(0)));
        Assert.Equal(12, TableauWidths.Of(SqlType.Time(3)));
        Assert.Equal(19, TableauWidths.Of(SqlType.Timestamp(0)));
        Assert.Equal(23, TableauWidths.Of(SqlType.Timestamp(3)));
        Assert.Equal(23, TableauWidths.Of(SqlType.TimestampLtz(1)));
        Assert.Equal(26, TableauWidths.Of(SqlType.Timestamp(6)));
        Assert.Equal(29, TableauWidths.Of(SqlType.Timestamp(9)));
    }

    [Fact]
    public void Other_types_take_the_max_column_width()
    {
        Assert.Equal(30, TableauWidths.Of(SqlType.String));
        Assert.Equal(30, TableauWidths.Of(SqlType.Double));
        Assert.Equal(12, TableauWidths.Of(SqlType.Array(SqlType.Int), maxColumnWidth: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => TableauWidths.Of(SqlType.String, 0));
    }
}
