using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// GROUP BY with Python aggregate functions (Flink's PythonGroupAggregate). Each batch is
/// grouped by key and every group it touched goes to Python in one call, with its pickled
/// accumulators and its rows (accumulated, or retracted when a row takes something away); the
/// call gives back the new accumulators and each group's result. As Flink's mini-batch
/// aggregate, a group's change is emitted once per batch: +I for a new group, -U/+U for a
/// change, -D when every row was retracted. In batch mode only the final results are emitted,
/// at end of input. Per group key, keyed state holds the row count, the last result and the
/// accumulators' bytes.
/// </summary>
public sealed class PythonGroupAggOperator(string name, RowKeys keys, PythonAggregateCallsSpec spec, IReadOnlyList<SqlType> outputTypes, bool batchMode, int inputCount = 1)
    : PythonFunctionsOperator<IPythonAggregateCalls>(name, inputCount)
{
    private readonly RowBuilder _output = new(outputTypes);
    private string _stateId = "";

    protected override IPythonAggregateCalls Create(IPythonJob python, TaskInfo task) => python.CreateAggregateCalls(spec, task);

    public override void Open(TaskContext context)
    {
        _stateId = StateKey + "/python-groups";
        base.Open(context);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var touched = new Dictionary<byte[], Group>(Engine.State.ByteArrayComparer.Instance);
        var order = new List<(byte[] Key, Group Group)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var key = keys.KeyOf(rows, i);
            if (!touched.TryGetValue(key, out var group))
            {
                group = Load(key);
                touched[key] = group;
                order.Add((key, group));
            }

            var retract = !rows.KindAt(i).IsAccumulate();
            if (retract && group.Rows == 0)
                continue; // a retraction of a row the group never had (state expired): ignored, as Flink does
            group.Rows += retract ? -1 : 1;
            group.Indices.Add(i);
            group.Retract.Add(retract);
        }

        order.RemoveAll(g => g.Group.Indices.Count == 0);
        if (order.Count == 0)
            return;
        var result = Functions.Aggregate(rows.Columns, rows.Count, order.Select(g => new PythonAggregateGroup(g.Group.Accumulators, g.Group.Indices, g.Group.Retract)).ToArray());
        for (var j = 0; j < order.Count; j++)
        {
            var (key, group) = order[j];
            object?[] latest = [.. keys.Values(key), .. result.Values.Select(c => c.GetBoxed(j))];
            if (!batchMode)
                EmitChange(group, latest);
            if (group.Rows == 0)
            {
                Context.State.Remove(_stateId, key);
                continue;
            }

            Store(key, group.Rows, latest, result.Accumulators[j]);
        }

        EmitRows(_output.Take());
    }

    private void EmitChange(Group group, object?[] latest)
    {
        if (group.Rows == 0)
        {
            if (group.Result is { } last)
                _output.Add(RowKind.Delete, last);
        }
        else if (group.Result is null)
        {
            _output.Add(RowKind.Insert, latest);
        }
        else if (!group.Result.SequenceEqual(latest))
        {
            _output.Add(RowKind.UpdateBefore, group.Result);
            _output.Add(RowKind.UpdateAfter, latest);
        }
    }

    protected override void Finish()
    {
        if (batchMode)
        {
            var emitted = false;
            foreach (var (_, value) in Context.State.Entries(_stateId).ToList())
            {
                _output.Add(RowKind.Insert, Decode(value).Result!);
                emitted = true;
                if (_output.Count >= 8192)
                    EmitRows(_output.Take());
            }

            // A global aggregate (no GROUP BY) has one row even without input: each function's value of a new accumulator.
            if (!emitted && keys.Columns.Count == 0)
            {
                var empty = Functions.Aggregate([], 0, [new PythonAggregateGroup(null, [], [])]);
                _output.Add(RowKind.Insert, [.. empty.Values.Select(c => c.GetBoxed(0))]);
            }

            EmitRows(_output.Take());
        }

        base.Finish();
    }

    private Group Load(byte[] key) => Context.State.Get(_stateId, key) is { } stored ? Decode(stored) : new Group(0, null, null);

    private Group Decode(byte[] stored)
    {
        using var reader = new BinaryReader(new MemoryStream(stored));
        var rows = reader.ReadInt64();
        var result = ValueCodec.ReadRow(reader, outputTypes);
        var accumulators = reader.ReadBytes(reader.ReadInt32());
        return new Group(rows, result, accumulators);
    }

    private void Store(byte[] key, long rows, object?[] result, byte[] accumulators)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(rows);
            ValueCodec.WriteRow(writer, result, outputTypes);
            writer.Write(accumulators.Length);
            writer.Write(accumulators);
        }

        Context.State.Put(_stateId, key, stream.ToArray());
    }

    /// <summary>A group as a batch touches it: its stored state, and the batch's rows applied to it.</summary>
    private sealed class Group(long rows, object?[]? result, byte[]? accumulators)
    {
        public long Rows { get; set; } = rows;

        /// <summary>The group's last result (emitted in streaming mode), or null for a new group.</summary>
        public object?[]? Result { get; } = result;

        public byte[]? Accumulators { get; } = accumulators;

        public List<int> Indices { get; } = [];

        public List<bool> Retract { get; } = [];
    }
}
