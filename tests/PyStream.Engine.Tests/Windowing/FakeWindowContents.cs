using System.Globalization;
using System.Text;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;
using PyStream.Engine.Windowing;

namespace PyStream.Engine.Tests.Windowing;

/// <summary>
/// Stands in for the Python side of a window: carries out the operator's actions on records
/// that are numbers (a LongRangeBatch), keeping per (key, window) the list of values, and
/// "fires" a line <c>key [start,end) v1,v2,...</c>. Late records become <c>late v</c>.
/// </summary>
internal sealed class FakeWindowContents : IPythonJob, IWindowContents
{
    private readonly Dictionary<(string Key, Window Window), List<long>> _contents = [];

    public List<string> Fired { get; } = [];

    public List<string> Late { get; } = [];

    public List<string> Log { get; } = [];

    public IPythonSegment CreateSegment(PythonSegmentSpec spec, TaskInfo task, ISegmentHost host) => throw new NotSupportedException();

    public IWindowContents CreateWindow(int transformationId, TaskInfo task, ISegmentHost host) => this;

    public IPythonScalarCalls CreateScalarCalls(PythonScalarCallsSpec spec, TaskInfo task) => throw new NotSupportedException();

    public IPythonTableCall CreateTableCall(PythonTableCallSpec spec, TaskInfo task) => throw new NotSupportedException();

    public IPythonAggregateCalls CreateAggregateCalls(PythonAggregateCallsSpec spec, TaskInfo task) => throw new NotSupportedException();

    public PythonBatch CollectionSlice(int transformationId, int start, int end) => throw new NotSupportedException();

    public RowBatch RecordsToRows(PythonBatch records, PythonRowsSpec columns, bool changelog, TaskInfo task) => throw new NotSupportedException();

    public PythonBatch ColumnsToRecords(IReadOnlyList<Column> columns, int count, RowKind[]? kinds, PythonRowsSpec spec, TaskInfo task) => throw new NotSupportedException();

    public void Open()
    {
    }

    public Batch?[] Apply(Batch? records, ReadOnlyMemory<long> actionMemory, IReadOnlyList<byte[]>? keys, long watermark)
    {
        var actions = actionMemory.Span;
        var range = records as LongRangeBatch;
        for (var i = 0; i < actions.Length; i += WindowActions.Width)
        {
            var kind = (WindowActionKind)actions[i];
            var reference = (int)actions[i + 1];
            var window = new Window(actions[i + 2], actions[i + 3]);
            var key = range is not null ? Encoding.UTF8.GetString(range.Keys!.KeyAt(reference)) : Encoding.UTF8.GetString(keys![reference]);
            Log.Add(string.Create(CultureInfo.InvariantCulture, $"{kind} {key} [{window.Start},{window.End})"));
            switch (kind)
            {
                case WindowActionKind.Add:
                    Contents(key, window).Add(range![reference]);
                    break;
                case WindowActionKind.Fire when _contents.TryGetValue((key, window), out var values) && values.Count > 0:
                    Fired.Add(string.Create(CultureInfo.InvariantCulture, $"{key} [{window.Start},{window.End}) {string.Join(',', values)}"));
                    break;
                case WindowActionKind.Purge or WindowActionKind.Clear:
                    _contents.Remove((key, window));
                    break;
                case WindowActionKind.Late:
                    Late.Add(string.Create(CultureInfo.InvariantCulture, $"late {range![reference]}"));
                    break;
                case WindowActionKind.Evict:
                    Contents(key, window).RemoveRange((int)(actions[i + 5] >> 32), (int)(actions[i + 5] & 0xFFFFFFFF));
                    break;
                case WindowActionKind.MergeInto:
                    _mergeTarget = (key, window);
                    break;
                case WindowActionKind.MergeFrom:
                    if (_contents.Remove((key, window), out var moved))
                        Contents(_mergeTarget.Key, _mergeTarget.Window).AddRange(moved);
                    break;
            }
        }

        return [null, null];
    }

    private (string Key, Window Window) _mergeTarget;

    /// <summary>Contents as a restore brings them back (the Python side's keyed state).</summary>
    public void Seed(string key, Window window, params long[] values) => Contents(key, window).AddRange(values);

    private List<long> Contents(string key, Window window)
    {
        if (!_contents.TryGetValue((key, window), out var values))
            _contents[(key, window)] = values = [];
        return values;
    }

    public void PrepareSnapshot()
    {
    }

    public void Close()
    {
    }

    public void Dispose()
    {
    }

    /// <summary>One record: a value with a string key and a timestamp, as a keyed, timestamped batch.</summary>
    public static LongRangeBatch Record(string key, long value, long timestamp) =>
        new(value, 1) { Keys = new KeyBlob(Encoding.UTF8.GetBytes(key), [Encoding.UTF8.GetByteCount(key)]), Timestamps = [timestamp] };
}
