using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class FileSinkOperatorTests : IDisposable
{
    /// <summary>The bucket of <see cref="OperatorHarness{TOperator}.Start"/>; the fake clock's local zone is UTC.</summary>
    private const string FirstBucket = "2024-05-01--12";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-filesink-");

    public void Dispose() => _root.Delete(recursive: true);

    private OperatorHarness<FileSinkOperator> Harness(FileSink? spec = null, int subtask = 0)
    {
        spec ??= new FileSink();
        spec.BasePath = _root.FullName;
        return new OperatorHarness<FileSinkOperator>(new FileSinkOperator("files", 1, BuiltInConnector.FileSinkOptionsOf(spec), subtask), subtask);
    }

    private static BytesBatch Encoded(string text) => new(System.Text.Encoding.UTF8.GetBytes(text), text.Count(c => c == '\n'));

    private string[] PartNames(string bucket) =>
        Directory.GetFiles(Path.Combine(_root.FullName, bucket)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();

    private string[] FinishedParts(string bucket = FirstBucket) => PartNames(bucket).Where(n => !n.StartsWith('.')).ToArray();

    /// <summary>In-progress parts are hidden files, so readers of the directory skip them.</summary>
    private string[] InProgressParts(string bucket = FirstBucket) => PartNames(bucket).Where(n => n.StartsWith('.')).ToArray();

    private string Read(string part, string bucket = FirstBucket) => File.ReadAllText(Path.Combine(_root.FullName, bucket, part));

    [Fact]
    public void PartStaysHiddenAndInProgressUntilEndOfInput()
    {
        using var harness = Harness();

        harness.ProcessBatch(0, Encoded("a\nb\n"));
        harness.ProcessBatch(0, Encoded("c\n"));

        Assert.Empty(FinishedParts());
        var inProgress = Assert.Single(InProgressParts());
        Assert.Contains(".inprogress.", inProgress, StringComparison.Ordinal);

        harness.EndInput(0);

        Assert.Empty(InProgressParts());
        var part = Assert.Single(FinishedParts());
        Assert.Matches("^part-[0-9a-f-]{36}-0-0$", part);
        Assert.Equal("a\nb\nc\n", Read(part));
    }

    [Fact]
    public void PrefixSuffixAndSubtaskNameThePart()
    {
        using var harness = Harness(new FileSink { PartPrefix = "out", PartSuffix = ".txt" }, subtask: 3);

        harness.ProcessBatch(0, Encoded("x\n"));
        harness.EndInput(0);

        Assert.Matches("^out-[0-9a-f-]{36}-3-0\\.txt$", Assert.Single(FinishedParts()));
    }

    [Fact]
    public void RollsWhenThePartReachedItsSize()
    {
        using var harness = Harness(new FileSink { PartSize = 10 });

        harness.ProcessBatch(0, Encoded("0123456789\n"));
        harness.ProcessBatch(0, Encoded("second\n"));

        var rolled = Assert.Single(FinishedParts());
        Assert.EndsWith("-0-0", rolled, StringComparison.Ordinal);
        Assert.Equal("0123456789\n", Read(rolled));
        Assert.Single(InProgressParts());

        harness.EndInput(0);

        var parts = FinishedParts();
        Assert.Equal(2, parts.Length);
        Assert.Equal("second\n", Read(parts.Single(p => p.EndsWith("-0-1", StringComparison.Ordinal))));
    }

    [Fact]
    public void DoesNotRollBelowThePartSize()
    {
        using var harness = Harness(new FileSink { PartSize = 100 });

        harness.ProcessBatch(0, Encoded("a\n"));
        harness.ProcessBatch(0, Encoded("b\n"));
        harness.EndInput(0);

        Assert.Equal("a\nb\n", Read(Assert.Single(FinishedParts())));
    }

    [Fact]
    public void RollsWhenThePartIsOlderThanTheRolloverInterval()
    {
        using var harness = Harness(new FileSink { RolloverIntervalMs = 60_000 });

        harness.ProcessBatch(0, Encoded("a\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        harness.ProcessBatch(0, Encoded("b\n"));
        Assert.Empty(FinishedParts());

        harness.Time.Advance(TimeSpan.FromSeconds(30));
        harness.ProcessBatch(0, Encoded("c\n"));

        Assert.Equal("a\nb\n", Read(Assert.Single(FinishedParts())));
    }

    [Fact]
    public void RollsAfterTheInactivityInterval()
    {
        using var harness = Harness(new FileSink { InactivityIntervalMs = 10_000 });

        harness.ProcessBatch(0, Encoded("a\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(9));
        harness.ProcessBatch(0, Encoded("b\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(9));
        harness.ProcessBatch(0, Encoded("c\n"));
        Assert.Empty(FinishedParts());

        harness.Time.Advance(TimeSpan.FromSeconds(10));
        harness.ProcessBatch(0, Encoded("d\n"));

        Assert.Equal("a\nb\nc\n", Read(Assert.Single(FinishedParts())));
    }

    [Fact]
    public void EachHourWritesToItsOwnBucket()
    {
        using var harness = Harness();

        harness.ProcessBatch(0, Encoded("noon\n"));
        harness.Time.Advance(TimeSpan.FromHours(1));
        harness.ProcessBatch(0, Encoded("one\n"));
        harness.EndInput(0);

        Assert.Equal("noon\n", Read(Assert.Single(FinishedParts())));
        Assert.Equal("one\n", Read(Assert.Single(FinishedParts("2024-05-01--13")), "2024-05-01--13"));
    }

    [Fact]
    public void CloseWithoutEndOfInputNeverCommits()
    {
        var harness = Harness();
        harness.ProcessBatch(0, Encoded("a\n"));

        harness.Dispose();

        Assert.Empty(FinishedParts());
        Assert.Single(InProgressParts());
    }

    [Fact]
    public void RejectsRecordsThatWereNotEncoded()
    {
        using var harness = Harness();

        var error = Assert.Throws<PyStreamException>(() => harness.ProcessBatch(0, new TextBatch(["a"])));
        Assert.Contains("expects encoded records", error.Message, StringComparison.Ordinal);
    }
}
