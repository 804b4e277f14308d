using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Checkpointing;

/// <summary>Operators snapshot what they hold and take their share back, also at another parallelism.</summary>
public sealed class OperatorSnapshotTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-snapshot-");

    public void Dispose() => _root.Delete(recursive: true);

    private static OperatorHarness<NumberSequenceSourceOperator> Numbers(int subtask, int parallelism) =>
        new(new NumberSequenceSourceOperator("numbers", 0, 999, subtask, parallelism) { StateKey = "src" }, subtask, parallelism);

    private static List<long> Emitted(OperatorHarness<NumberSequenceSourceOperator> harness) =>
        harness.Output.Batches.Cast<LongRangeBatch>().SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b[i])).ToList();

    [Fact]
    public void ANumberSequenceResumesAfterItsPositionAtAnyParallelism()
    {
        // Two subtasks each emit one batch (all of their 500 numbers fit one), then snapshot.
        var old = new List<TestCheckpoints.OldSubtask>();
        var before = new List<long>();
        for (var s = 0; s < 2; s++)
        {
            using var harness = new OperatorHarness<NumberSequenceSourceOperator>(
                new NumberSequenceSourceOperator("numbers", 0, 199_999, s, 2) { StateKey = "src" }, s, 2);
            harness.Operator.EmitNext();
            before.AddRange(Emitted(harness));
            old.Add(new TestCheckpoints.OldSubtask(s, 2, harness.Snapshot(1)));
        }

        var directory = TestCheckpoints.Write(Path.Combine(_root.FullName, "chk-1"), 1, [.. old]);
        var after = new List<long>();
        for (var s = 0; s < 3; s++)
        {
            using var harness = Numbers(s, 3);
            harness.Operator.RestoreState(TestCheckpoints.Restore(directory, ["src"], s, 3));
            while (harness.Operator.EmitNext())
            {
            }

            after.AddRange(Emitted(harness));
        }

        Assert.Equal(Enumerable.Range(0, 200_000).Select(i => (long)i), before.Concat(after).Order());
    }

    [Fact]
    public void FileSinkPartsBecomeVisibleOnlyWhenTheirCheckpointCompletes()
    {
        var spec = new FileSink { BasePath = _root.FullName, RollOnCheckpoint = true };
        using var harness = new OperatorHarness<FileSinkOperator>(new FileSinkOperator("files", 1, BuiltInConnector.FileSinkOptionsOf(spec), 0) { StateKey = "sink" }, checkpointing: true);

        harness.ProcessBatch(0, Encoded("a\n"));
        harness.Snapshot(1);
        harness.ProcessBatch(0, Encoded("b\n"));
        harness.Snapshot(2);
        Assert.Empty(Finished());

        harness.Operator.NotifyCheckpointComplete(1);
        Assert.Equal(["a\n"], Finished().Select(File.ReadAllText));
        harness.Operator.NotifyCheckpointComplete(2);
        Assert.Equal(["a\n", "b\n"], Finished().Select(File.ReadAllText).Order(StringComparer.Ordinal));

        harness.ProcessBatch(0, Encoded("c\n"));
        harness.EndInput(0);
        Assert.Equal(2, Finished().Length);
        Assert.Single(harness.FinalCommits).Invoke();
        Assert.Equal(3, Finished().Length);
    }

    [Fact]
    public void WithoutRollingOnCheckpointsAPartStaysOpenAcrossThemAndCommitsWhenItRolls()
    {
        var spec = new FileSink { BasePath = _root.FullName, PartSize = 4 };
        using var harness = new OperatorHarness<FileSinkOperator>(new FileSinkOperator("files", 1, BuiltInConnector.FileSinkOptionsOf(spec), 0) { StateKey = "sink" }, checkpointing: true);

        harness.ProcessBatch(0, Encoded("ab\n"));
        harness.Snapshot(1);
        harness.Operator.NotifyCheckpointComplete(1);
        Assert.Empty(Finished()); // still open: not rolled yet

        harness.ProcessBatch(0, Encoded("cd\n")); // 6 bytes now
        harness.ProcessBatch(0, Encoded("e\n")); // past the size: the first part rolls, "e" opens the next
        harness.Snapshot(2);
        Assert.Empty(Finished());
        harness.Operator.NotifyCheckpointComplete(2);
        Assert.Equal(["ab\ncd\n"], Finished().Select(File.ReadAllText));
    }

    [Fact]
    public void AFileSinkRestoreCommitsThePendingPartsAndDeletesWhatWasWrittenAfterTheCheckpoint()
    {
        var spec = new FileSink { BasePath = _root.FullName };
        Dictionary<string, byte[]> state;
        using (var failed = new OperatorHarness<FileSinkOperator>(new FileSinkOperator("files", 1, BuiltInConnector.FileSinkOptionsOf(spec), 0) { StateKey = "sink" }, checkpointing: true))
        {
            failed.ProcessBatch(0, Encoded("kept\n"));
            state = failed.Snapshot(1);
            failed.ProcessBatch(0, Encoded("written again after the restore\n"));
        }

        var directory = TestCheckpoints.Write(Path.Combine(_root.FullName, "checkpoints", "chk-1"), 1, new TestCheckpoints.OldSubtask(0, 1, state));
        using var restored = new OperatorHarness<FileSinkOperator>(new FileSinkOperator("files", 1, BuiltInConnector.FileSinkOptionsOf(spec), 0) { StateKey = "sink" }, checkpointing: true);
        restored.Operator.RestoreState(TestCheckpoints.Restore(directory, ["sink"], 0, 1));

        Assert.Equal(["kept\n"], Finished().Select(File.ReadAllText));
        Assert.Empty(Directory.GetFiles(_root.FullName, ".part-*", SearchOption.AllDirectories));
    }

    private static BytesBatch Encoded(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), 1);

    private string[] Finished() => Directory.GetFiles(_root.FullName, "part-*", SearchOption.AllDirectories);
}
