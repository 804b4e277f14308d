using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Makes an aggregate whose accumulators cannot merge (FIRST_VALUE, LAST_VALUE, LISTAGG, DISTINCT
/// calls, floating-point SUM and AVG) mergeable by keeping the values it was fed instead: merging
/// appends the other's values, and the result replays them, in that order, into a new accumulator
/// of the call. Session windows need it (their windows merge as rows bridge them); it costs a
/// value per row where the plain accumulator costs a constant.
/// </summary>
internal sealed class ReplayAccumulator(AggCall call) : Accumulator
{
    /// <summary>What the value of a call without arguments (COUNT(*) with a FILTER, say) is read back as.</summary>
    private static readonly object Row = true;

    private readonly List<(object? Value, bool Retract)> _fed = [];
    private readonly SqlType _type = call.Args.Count == 0 ? SqlType.Boolean : call.ArgTypes[0];

    public override void Add(object? value) => _fed.Add((value, false));

    public override void Retract(object? value) => _fed.Add((value, true));

    public override object? Result
    {
        get
        {
            var replayed = AggregateCalls.Create(call);
            foreach (var (value, retract) in _fed)
            {
                if (retract)
                    replayed.Retract(value);
                else
                    replayed.Add(value);
            }

            return replayed.Result;
        }
    }

    public override bool CanMerge => true;

    public override void Merge(Accumulator other) => _fed.AddRange(((ReplayAccumulator)other)._fed);

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_fed.Count);
        foreach (var (value, retract) in _fed)
        {
            writer.Write(retract);
            if (call.Function == "LISTAGG" && value is (var text, var separator))
            {
                // LISTAGG is fed its value and its separator.
                ValueCodec.Write(writer, text, SqlType.String);
                ValueCodec.Write(writer, separator, SqlType.String);
            }
            else if (call.Args.Count > 0)
            {
                ValueCodec.Write(writer, value, _type);
            }
        }
    }

    public override void Read(BinaryReader reader)
    {
        _fed.Clear();
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var retract = reader.ReadBoolean();
            object? value = call.Function == "LISTAGG"
                ? (ValueCodec.Read(reader, SqlType.String), ValueCodec.Read(reader, SqlType.String))
                : call.Args.Count > 0 ? ValueCodec.Read(reader, _type) : Row;
            _fed.Add((value, retract));
        }
    }
}
