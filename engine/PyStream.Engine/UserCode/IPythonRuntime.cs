using PyStream.Engine.Records;
using PyStream.Engine.Spec;

namespace PyStream.Engine.UserCode;

/// <summary>
/// Runs user functions. The engine sees Python only through these interfaces; the bridge
/// (the one assembly that references pythonnet) implements them.
/// </summary>
public interface IPythonRuntime : IPythonBatchOps
{
    /// <summary>Prepares a job's Python side (functions, shipped files) once per job run.</summary>
    IPythonJob LoadJob(JobSpec spec);
}

public interface IPythonJob : IDisposable
{
    IPythonSegment CreateSegment(PythonSegmentSpec spec, TaskInfo task, ISegmentHost host);

    /// <summary>The Python side of a window operator: contents and window function.</summary>
    Windowing.IWindowContents CreateWindow(int transformationId, TaskInfo task, ISegmentHost host);

    /// <summary>The Python side of a pattern stream: conditions and the match function.</summary>
    IPythonCep CreateCep(int transformationId, TaskInfo task, ISegmentHost host) =>
        throw new NotSupportedException("this Python runtime cannot run CEP patterns");

    /// <summary>Python scalar functions of a SQL operator, evaluated per batch.</summary>
    IPythonScalarCalls CreateScalarCalls(PythonScalarCallsSpec spec, TaskInfo task);

    /// <summary>A Python table function of a SQL correlate, evaluated per batch.</summary>
    IPythonTableCall CreateTableCall(PythonTableCallSpec spec, TaskInfo task);

    /// <summary>Python aggregate functions of a SQL GROUP BY, applied per batch.</summary>
    IPythonAggregateCalls CreateAggregateCalls(PythonAggregateCallsSpec spec, TaskInfo task);

    /// <summary>
    /// A DataStream's records as a table's rows (from_data_stream): a Row, tuple or list gives one
    /// value per column, any other record the one column's value; values are checked against the
    /// columns' types. With <paramref name="changelog"/> (from_changelog_stream) each row keeps
    /// its Row's kind.
    /// </summary>
    RowBatch RecordsToRows(PythonBatch records, PythonRowsSpec columns, bool changelog, TaskInfo task);

    /// <summary>A table's rows as pyflink <c>Row</c>s with field names and row kinds (to_data_stream, to_changelog_stream).</summary>
    PythonBatch ColumnsToRecords(IReadOnlyList<Column> columns, int count, RowKind[]? kinds, PythonRowsSpec spec, TaskInfo task);

    /// <summary>Elements <c>[start, end)</c> of a collection source, as Python records.</summary>
    PythonBatch CollectionSlice(int transformationId, int start, int end);
}

/// <summary>
/// A fused group of chained Python operations, called once per batch. Every call returns
/// one batch per exit (null: nothing for that exit).
/// </summary>
public interface IPythonSegment : IDisposable
{
    void Open();

    /// <summary>Runs a batch through the segment; takes ownership of <paramref name="batch"/>.</summary>
    Batch?[] Process(int entry, Batch batch, long watermark);

    Batch?[] OnTimers(int operation, Time.TimeDomain domain, IReadOnlyList<Time.FiredTimer> timers, long watermark);

    /// <summary>Every entry has ended: operations emit what they held back (BATCH aggregates).</summary>
    Batch?[] EndInput();

    /// <summary>
    /// Whether the last call (process, timers, end of input) paused with more output to come:
    /// a generator produced more than one call hands on. Its output so far was returned;
    /// <see cref="Resume"/> goes on, and nothing else may be called on the segment until a
    /// call returns unpaused.
    /// </summary>
    bool Paused { get; }

    /// <summary>Goes on with a paused call.</summary>
    Batch?[] Resume();

    /// <summary>
    /// Stops a call in progress, from any thread, without waiting: the user's function raises
    /// <c>KeyboardInterrupt</c> at its next Python instruction (one blocked in a C call, such as
    /// <c>time.sleep</c>, returns from it first). For a cancelled job only.
    /// </summary>
    void Interrupt();

    /// <summary>Before a snapshot: state values cached in Python go to the engine's store.</summary>
    void PrepareSnapshot();

    void Close();
}

/// <summary>What the engine offers a segment while it runs: keyed state, timers, time.</summary>
public interface ISegmentHost
{
    State.IKeyedStateStore State { get; }

    /// <summary>The TTLs declared for the task's states (applied by the engine's cleanup).</summary>
    State.StateTtls StateTtls { get; }

    long CurrentProcessingTime { get; }

    void RegisterProcessingTimeTimer(int operation, byte[] key, long timestamp);

    void DeleteProcessingTimeTimer(int operation, byte[] key, long timestamp);

    void RegisterEventTimeTimer(int operation, byte[] key, long timestamp);

    void DeleteEventTimeTimer(int operation, byte[] key, long timestamp);

    /// <summary>The subtask's user metrics, which Python reports once per batch.</summary>
    Telemetry.UserMetrics Metrics { get; }
}
