using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Tests.Harness;

/// <summary>
/// Runs one operator on the test's thread as its task would: opened with a task context on a
/// fake clock, a recorder on every output port, and a mailbox that only the test drains.
/// </summary>
internal sealed class OperatorHarness<TOperator> : IDisposable
    where TOperator : StreamOperator
{
    public static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Queue<Action> _mailbox = new();

    public OperatorHarness(TOperator op, int subtask = 0, int parallelism = 1, IPythonJob? python = null, bool checkpointing = false)
    {
        ArgumentNullException.ThrowIfNull(op);
        Operator = op;
        Environment = new JobEnvironment { Stdout = Stdout, Stderr = Stderr, Time = Time, LoggerFactory = Log };
        Timers = new ProcessingTimeService(Time, _mailbox.Enqueue);
        var info = new TaskInfo(op.Name, subtask, parallelism, JobGraphBuilder.DefaultMaxParallelism, AttemptNumber: 0);
        Context = new TaskContext(info, Environment, python, Timers, () => JobFinishRequested = true, checkpointing: checkpointing, onJobFinished: FinalCommits.Add);
        Outputs = new RecordingConsumer[op.Outputs.Length];
        for (var port = 0; port < Outputs.Length; port++)
        {
            Outputs[port] = new RecordingConsumer();
            op.Outputs[port].Add(Outputs[port]);
        }

        op.Open(Context);
    }

    public TOperator Operator { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public StringWriter Stdout { get; } = new();

    public StringWriter Stderr { get; } = new();

    /// <summary>The diagnostics the operator logged.</summary>
    public RecordingLogger Log { get; } = new();

    public JobEnvironment Environment { get; }

    public ProcessingTimeService Timers { get; }

    public TaskContext Context { get; }

    /// <summary>One recorder per output port.</summary>
    public RecordingConsumer[] Outputs { get; }

    public RecordingConsumer Output => Outputs[0];

    public bool JobFinishRequested { get; private set; }

    /// <summary>What the operator asked to run once the whole job has finished.</summary>
    public List<Action> FinalCommits { get; } = [];

    /// <summary>The operator's state for checkpoint <paramref name="checkpointId"/>, by state key.</summary>
    public Dictionary<string, byte[]> Snapshot(long checkpointId)
    {
        var states = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Operator.SnapshotState(new CheckpointBarrier(checkpointId, 0, SnapshotKind.Checkpoint), states);
        return states;
    }

    public int PendingMailboxActions => _mailbox.Count;

    public void ProcessBatch(int input, Batch batch) => Operator.ProcessBatch(input, batch);

    public void ProcessWatermark(int input, long watermark) => Operator.ProcessWatermark(input, watermark);

    public void EndInput(int input) => Operator.EndInput(input);

    /// <summary>Runs every posted mailbox action (timer wake-ups), including ones they post.</summary>
    public int RunMailbox()
    {
        var ran = 0;
        while (_mailbox.TryDequeue(out var action))
        {
            action();
            ran++;
        }

        return ran;
    }

    /// <summary>Moves the fake clock (its due timers post to the mailbox), then runs the mailbox.</summary>
    public int AdvanceTime(TimeSpan by)
    {
        Time.Advance(by);
        return RunMailbox();
    }

    public void Dispose()
    {
        Timers.Dispose();
        Operator.Close();
        Stdout.Dispose();
        Stderr.Dispose();
    }
}
