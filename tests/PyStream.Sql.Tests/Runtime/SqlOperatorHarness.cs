using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>Opens a SQL operator as one subtask on a given state store (and clock), collecting its rows as text.</summary>
internal static class SqlOperatorHarness
{
    /// <summary>With <paramref name="processingTimers"/>, processing-time timers run on <paramref name="time"/> and fire as it is advanced.</summary>
    public static T Open<T>(Func<T> create, CollectingRows output, IKeyedStateStore store, TimeProvider? time = null, bool processingTimers = false)
        where T : SqlOperator
    {
        var op = create();
        op.Outputs[0].Add(output);
        var info = new TaskInfo("op", 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        var timers = processingTimers ? new ProcessingTimeService(time ?? TimeProvider.System, action => action()) : new ProcessingTimeService(TimeProvider.System, _ => { });
        op.Open(new TaskContext(info, new JobEnvironment { Time = time ?? TimeProvider.System }, null, timers, () => { }, store));
        return op;
    }

    /// <summary>Snapshots <paramref name="op"/>, closes it, and opens a new one from <paramref name="create"/> on a copy of what the snapshot left in <paramref name="store"/>.</summary>
    public static T Restore<T>(T op, Func<T> create, CollectingRows output, ref IKeyedStateStore store)
        where T : SqlOperator
    {
        op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
        var restored = new HeapKeyedStateStore();
        foreach (var stateId in store.StateIds)
        {
            foreach (var (key, value) in store.Entries(stateId))
                restored.Put(stateId, key, value);
        }

        op.Close();
        store = restored;
        return Open(create, output, store);
    }
}

/// <summary>The rows an operator emits, each as its values separated by spaces (after its kind, +I -U +U -D, with <see cref="WithKinds"/>).</summary>
internal sealed class CollectingRows : IBatchConsumer
{
    public List<string> Rows { get; } = [];

    public bool WithKinds { get; init; }

    public List<long> Watermarks { get; } = [];

    public void Accept(Batch batch)
    {
        var rows = (RowBatch)batch;
        for (var r = 0; r < rows.Count; r++)
            Rows.Add((WithKinds ? rows.KindAt(r).ShortString() + " " : "") + string.Join(" ", rows.Columns.Select(c => c.GetBoxed(r) ?? "null")));
    }

    public void AcceptWatermark(long watermark) => Watermarks.Add(watermark);

    public void AcceptWatermarkStatus(bool idle)
    {
    }

    public void EndOfInput()
    {
    }
}
