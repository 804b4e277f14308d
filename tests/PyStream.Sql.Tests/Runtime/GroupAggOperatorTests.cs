using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Time;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

public sealed class GroupAggOperatorTests
{
    private static readonly AggCall CountStar = new("COUNT", [], false, -1, SqlType.BigInt.NotNull, []);
    private static readonly AggCall SumOfFirst = new("SUM", [0], false, -1, SqlType.Int, [SqlType.Int]);

    [Fact]
    public void A_batch_global_aggregate_without_input_gives_one_row_of_empty_results()
    {
        var rows = RunToEnd(keyColumns: [], batchMode: true, input: []);
        Assert.Equal(["Insert[0, null]"], rows);
    }

    [Fact]
    public void A_batch_grouped_aggregate_without_input_gives_no_row()
    {
        Assert.Empty(RunToEnd(keyColumns: [0], batchMode: true, input: []));
    }

    [Fact]
    public void A_streaming_global_aggregate_without_input_gives_no_row()
    {
        Assert.Empty(RunToEnd(keyColumns: [], batchMode: false, input: []));
    }

    [Fact]
    public void A_batch_global_aggregate_with_input_gives_its_one_row()
    {
        var rows = RunToEnd(keyColumns: [], batchMode: true, input: [3, 4]);
        Assert.Equal(["Insert[2, 7]"], rows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GroupAggOperator.DefaultMaxCachedGroups)]
    public void A_change_in_a_later_batch_retracts_the_result_kept_in_state(int maxCachedGroups)
    {
        // SUM of INT is INT while its accumulator adds longs: the result kept for the -U must read back as it was
        // (from the backend with no cache; from memory with one).
        var rows = RunToEnd(keyColumns: [], batchMode: false, maxCachedGroups, [3], [4]);
        Assert.Equal(["Insert[1, 3]", "UpdateBefore[1, 3]", "UpdateAfter[2, 7]"], rows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(GroupAggOperator.DefaultMaxCachedGroups)]
    public void Groups_give_the_same_changes_whether_kept_in_memory_or_read_back(int maxCachedGroups)
    {
        // Keys 1, 2, 1, 3, 2 over three batches (one cached group forces writes and reads back); by hand:
        // COUNT(*) and SUM(c0) per key c0.
        var rows = RunToEnd(keyColumns: [0], batchMode: false, maxCachedGroups, [1, 2], [1, 3], [2]);
        Assert.Equal([
            "Insert[1, 1, 1]", "Insert[2, 1, 2]",
            "UpdateBefore[1, 1, 1]", "UpdateAfter[1, 2, 2]", "Insert[3, 1, 3]",
            "UpdateBefore[2, 1, 2]", "UpdateAfter[2, 2, 4]",
        ], rows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GroupAggOperator.DefaultMaxCachedGroups)]
    public void A_group_whose_rows_were_all_retracted_starts_again_from_nothing(int maxCachedGroups)
    {
        // Key 1 in, retracted (its -D), then in again in a later batch: by hand, a fresh group (COUNT 1, SUM 1), not the old one.
        var rows = RunToEnd(keyColumns: [0], batchMode: false, maxCachedGroups,
            [(1, RowKind.Insert), (2, RowKind.Insert)], [(1, RowKind.Delete)], [(1, RowKind.Insert), (1, RowKind.Insert)]);
        Assert.Equal([
            "Insert[1, 1, 1]", "Insert[2, 1, 2]",
            "Delete[1, 1, 1]",
            "Insert[1, 1, 1]", "UpdateBefore[1, 1, 1]", "UpdateAfter[1, 2, 2]",
        ], rows);
    }

    /// <summary>The rows (as kind[values]) of COUNT(*), SUM(c0) over INT rows (grouped by c0 when <paramref name="keyColumns"/> says so), to end of input.</summary>
    private static List<string> RunToEnd(int[] keyColumns, bool batchMode, int[] input) => RunToEnd(keyColumns, batchMode, GroupAggOperator.DefaultMaxCachedGroups, [input]);

    /// <summary>As above, the input in batches (state is read back between them when <paramref name="maxCachedGroups"/> is 0).</summary>
    private static List<string> RunToEnd(int[] keyColumns, bool batchMode, int maxCachedGroups, params int[][] batches) =>
        RunToEnd(keyColumns, batchMode, maxCachedGroups, batches.Select(b => b.Select(v => (v, RowKind.Insert)).ToArray()).ToArray());

    /// <summary>As above, each row with its kind.</summary>
    private static List<string> RunToEnd(int[] keyColumns, bool batchMode, int maxCachedGroups, params (int Value, RowKind Kind)[][] batches)
    {
        var types = new[] { SqlType.Int };
        var outputTypes = keyColumns.Select(_ => SqlType.Int).Concat([SqlType.BigInt.NotNull, SqlType.Int]).ToArray();
        var op = new GroupAggOperator("agg", new RowKeys(keyColumns, keyColumns.Select(_ => SqlType.Int).ToArray()),
            new AggregateCalls([CountStar, SumOfFirst]), outputTypes, batchMode, maxCachedGroups: maxCachedGroups);
        var output = new CollectingConsumer();
        op.Outputs[0].Add(output);
        var info = new TaskInfo("agg", 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        using var timers = new ProcessingTimeService(TimeProvider.System, _ => { });
        op.Open(new TaskContext(info, new JobEnvironment(), null, timers, () => { }));
        foreach (var input in batches.Where(b => b.Length > 0))
        {
            var builder = new RowBuilder(types);
            foreach (var (value, kind) in input)
                builder.Add(kind, [value]);
            op.ProcessBatch(0, builder.Take()!);
        }

        op.EndInput(0);
        op.Close();
        return output.Rows;
    }
}
