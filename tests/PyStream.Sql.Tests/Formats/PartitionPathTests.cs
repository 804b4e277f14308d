using PyStream.Sql.Formats;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Formats;

public sealed class PartitionPathTests
{
    private static readonly SqlField[] Partitions = [new("dt", SqlType.String), new("hr", SqlType.Int)];

    [Fact]
    public void Values_become_name_equals_value_directories_and_come_back()
    {
        var path = PartitionPath.Format(Partitions, ["2024-01-01", 10], PartitionPath.DefaultName);
        Assert.Equal("dt=2024-01-01/hr=10", path);
        Assert.Equal(["2024-01-01", 10], PartitionPath.Parse(path, Partitions, PartitionPath.DefaultName));
    }

    [Fact]
    public void Path_characters_are_escaped_and_null_or_empty_is_the_default_name()
    {
        // '/' is 0x2F, '=' 0x3D, ':' 0x3A (Flink's PartitionPathUtils.escapePathName).
        var path = PartitionPath.Format(Partitions, ["a/b=c:d", null], "none");
        Assert.Equal("dt=a%2Fb%3Dc%3Ad/hr=none", path);
        Assert.Equal(["a/b=c:d", null], PartitionPath.Parse(path, Partitions, "none"));
        Assert.Equal("dt=none/hr=1", PartitionPath.Format(Partitions, ["", 1], "none"));
    }

    [Fact]
    public void A_directory_without_a_partition_column_is_refused_by_name()
    {
        var error = Assert.Throws<SqlRuntimeException>(() => PartitionPath.Parse("dt=2024-01-01", Partitions, "none"));
        Assert.Contains("'hr'", error.Message, StringComparison.Ordinal);
    }
}
