using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;
using PyStream.Engine.Windowing;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The Python group aggregate over a fake Python side that sums BIGINT column 1 (its accumulator
/// an 8-byte long): one call per batch with every touched group, and Flink's changelog per batch.
/// </summary>
public sealed class PythonGroupAggOperatorTests
{
    [Fact]
    public void Each_batch_sends_one_call_and_emits_one_change_per_touched_group()
    {
        var (op, python, output) = Open(batchMode: false);

        op.ProcessBatch(0, Rows((RowKind.Insert, 1, 5), (RowKind.Insert, 2, 1), (RowKind.Insert, 1, 2)));
        op.ProcessBatch(0, Rows((RowKind.UpdateBefore, 1, 5), (RowKind.UpdateAfter, 1, 9)));
        op.ProcessBatch(0, Rows((RowKind.Delete, 2, 1), (RowKind.Delete, 3, 4)));

        Assert.Equal(3, python.Calls);
        Assert.Equal(["Insert[1, 7]", "Insert[2, 1]", "UpdateBefore[1, 7]", "UpdateAfter[1, 11]", "Delete[2, 1]"], output.Rows);
        // The retraction of group 3, which never had a row, is ignored: only group 2 (one retracted row) reached Python.
        Assert.Equal([[true]], python.RetractsOfLastCall);
        op.Close();
    }

    [Fact]
    public void Batch_mode_emits_the_final_rows_at_end_of_input()
    {
        var (op, _, output) = Open(batchMode: true);

        op.ProcessBatch(0, Rows((RowKind.Insert, 1, 5), (RowKind.Insert, 2, 1)));
        op.ProcessBatch(0, Rows((RowKind.Insert, 1, 2)));
        Assert.Empty(output.Rows);
        op.EndInput(0);

        Assert.Equal(["Insert[1, 7]", "Insert[2, 1]"], output.Rows.Order());
        op.Close();
    }

    private static (PythonGroupAggOperator Op, FakeSum Python, CollectingConsumer Output) Open(bool batchMode)
    {
        var spec = new PythonAggregateCallsSpec([new PythonScalarCall("total", Array.Empty<byte>(), [1], ["BIGINT"], "BIGINT", typeof(long))], Retracts: true);
        var op = new PythonGroupAggOperator("agg", new RowKeys([0], [SqlType.BigInt]), spec, [SqlType.BigInt, SqlType.BigInt], batchMode);
        var output = new CollectingConsumer();
        op.Outputs[0].Add(output);
        var python = new FakeSum();
        var info = new TaskInfo("agg", 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        var timers = new ProcessingTimeService(TimeProvider.System, _ => { });
        op.Open(new TaskContext(info, new JobEnvironment(), python, timers, () => { }));
        return (op, python, output);
    }

    private static RowBatch Rows(params (RowKind Kind, long Key, long Value)[] rows)
    {
        var builder = new RowBuilder([SqlType.BigInt, SqlType.BigInt]);
        foreach (var (kind, key, value) in rows)
            builder.Add(kind, [key, value]);
        return builder.Take()!;
    }

    /// <summary>A Python side whose one aggregate sums column 1; it counts its calls and keeps the last call's retract flags (of groups with rows).</summary>
    private sealed class FakeSum : IPythonJob, IPythonAggregateCalls
    {
        public int Calls { get; private set; }

        public List<bool[]> RetractsOfLastCall { get; } = [];

        public PythonAggregateResult Aggregate(IReadOnlyList<Column> columns, int count, IReadOnlyList<PythonAggregateGroup> groups)
        {
            Calls++;
            RetractsOfLastCall.Clear();
            var sums = new long[groups.Count];
            for (var g = 0; g < groups.Count; g++)
            {
                var group = groups[g];
                sums[g] = group.Accumulators is { } stored ? BitConverter.ToInt64(stored) : 0;
                for (var i = 0; i < group.Rows.Count; i++)
                {
                    var value = ((Column<long>)columns[1]).Values[group.Rows[i]];
                    sums[g] += group.Retract[i] ? -value : value;
                }

                if (group.Rows.Count > 0)
                    RetractsOfLastCall.Add([.. group.Retract]);
            }

            return new PythonAggregateResult(sums.Select(BitConverter.GetBytes).ToArray(), [new Column<long>(sums)]);
        }

        public IPythonAggregateCalls CreateAggregateCalls(PythonAggregateCallsSpec spec, TaskInfo task) => this;

        public void Open()
        {
        }

        public void Close()
        {
        }

        public void Dispose()
        {
        }

        public IPythonSegment CreateSegment(PythonSegmentSpec spec, TaskInfo task, ISegmentHost host) => throw new NotSupportedException();

        public IWindowContents CreateWindow(int transformationId, TaskInfo task, ISegmentHost host) => throw new NotSupportedException();

        public IPythonScalarCalls CreateScalarCalls(PythonScalarCallsSpec spec, TaskInfo task) => throw new NotSupportedException();

        public IPythonTableCall CreateTableCall(PythonTableCallSpec spec, TaskInfo task) => throw new NotSupportedException();

        public RowBatch RecordsToRows(PythonBatch records, PythonRowsSpec columns, bool changelog, TaskInfo task) => throw new NotSupportedException();

        public PythonBatch ColumnsToRecords(IReadOnlyList<Column> columns, int count, RowKind[]? kinds, PythonRowsSpec spec, TaskInfo task) => throw new NotSupportedException();

        public PythonBatch CollectionSlice(int transformationId, int start, int end) => throw new NotSupportedException();
    }
}
