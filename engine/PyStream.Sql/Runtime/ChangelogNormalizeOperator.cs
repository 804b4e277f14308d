using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// An upsert stream (each key's newest row, or its deletion) made a full changelog, as Flink's
/// ChangelogNormalize keeping the last row per key: the first row of a key is +I, a changed
/// row -U (the previous one) then +U, an unchanged row nothing, a deletion -D of the previous row
/// (nothing for a key that has none). Downstream aggregates can then retract exactly what they
/// counted. The last row of each key lives in the task's keyed state backend.
/// </summary>
public sealed class ChangelogNormalizeOperator(string name, RowKeys keys, IReadOnlyList<SqlType> types, int inputCount = 1) : SqlOperator(name, inputCount)
{
    private readonly RowBuilder _output = new(types);
    private readonly RowCodec _codec = new(types);
    private string _stateId = "";

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _stateId = StateKey + "/last-rows";
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var row = new object?[types.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var key = keys.KeyOf(rows, i);
            var previous = Context.State.Get(_stateId, key);
            if (!rows.KindAt(i).IsAccumulate())
            {
                if (previous is not null)
                {
                    _output.Add(RowKind.Delete, _codec.Decode(previous));
                    Context.State.Remove(_stateId, key);
                }

                continue;
            }

            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            var current = _codec.Encode(row);
            if (previous is null)
            {
                _output.Add(RowKind.Insert, (object?[])row.Clone());
            }
            else if (!previous.AsSpan().SequenceEqual(current))
            {
                _output.Add(RowKind.UpdateBefore, _codec.Decode(previous));
                _output.Add(RowKind.UpdateAfter, (object?[])row.Clone());
            }
            else
            {
                continue;
            }

            Context.State.Put(_stateId, key, current);
        }

        EmitRows(_output.Take());
    }
}
