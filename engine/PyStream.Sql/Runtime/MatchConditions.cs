using System.Runtime.InteropServices;
using PyStream.Engine.Cep;
using PyStream.Engine.Records;
using PyStream.Sql.Compiling;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The DEFINE conditions of a MATCH_RECOGNIZE, compiled like every SQL expression. A simple
/// condition runs once over a whole batch of rows; an iterative one runs on the row followed by
/// the values its navigations read from the partial match.
/// </summary>
internal sealed class MatchConditions : ICepConditions<MatchRow>
{
    private readonly IReadOnlyList<MatchCondition> _conditions;
    private readonly IReadOnlyList<string> _variables;
    private readonly IReadOnlyList<SqlType> _inputTypes;
    private readonly CalcProgram[] _programs;
    private readonly IReadOnlyList<SqlType>[] _rowTypes;

    public MatchConditions(MatchSpec spec, IReadOnlyList<SqlType> inputTypes, SqlContext context)
    {
        _conditions = spec.Conditions;
        _variables = spec.Pattern.Stages.Select(s => s.Name).ToArray();
        _inputTypes = inputTypes;
        _rowTypes = _conditions.Select(c => (IReadOnlyList<SqlType>)[.. inputTypes, .. c.Navigations.Select(n => n.Type)]).ToArray();
        _programs = _conditions.Select((c, i) => CalcProgram.Compile(_rowTypes[i], null, [c.Condition], context)).ToArray();
    }

    public int Count => _conditions.Count;

    public bool IsIterative(int condition) => _conditions[condition].Iterative;

    /// <summary>Not used: the operator tests the simple conditions over its input batch, and the rows the NFA holds keep only the columns matches read.</summary>
    public void TestSimple(ReadOnlySpan<MatchRow> events, Span<ulong> results) =>
        throw new NotSupportedException("MATCH_RECOGNIZE tests its simple DEFINE conditions over the input batch");

    /// <summary>The simple conditions over the operator's input batch as it came (no row copied): bit c of a row's entry set when condition c holds.</summary>
    public void TestSimple(RowBatch rows, Span<ulong> results)
    {
        results.Clear();
        if (rows.Count == 0)
            return;
        for (var c = 0; c < _conditions.Count; c++)
        {
            if (_conditions[c].Iterative)
                continue;
            var met = _programs[c].Run(rows)!.Columns[0];
            var bit = 1UL << c;
            if (met is Column<bool> flags)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    if (flags.Values[i] && flags.Nulls?[i] != true)
                        results[i] |= bit;
                }

                continue;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                if (met.GetBoxed(i) is true)
                    results[i] |= bit;
            }
        }
    }

    public bool TestIterative(int condition, MatchRow ev, IConditionContext<MatchRow> context)
    {
        var spec = _conditions[condition];
        var row = new object?[_inputTypes.Count + spec.Navigations.Count];
        var width = ev.Width;
        for (var c = 0; c < width; c++)
            row[c] = ev[c];
        for (var n = 0; n < spec.Navigations.Count; n++)
        {
            var navigation = spec.Navigations[n];
            row[width + n] = MatchRows.Read(navigation, CollectionsMarshal.AsSpan(RowsOf(navigation.Variable, spec.Variable, ev, context)));
        }

        return _programs[condition].Run(Rows(_rowTypes[condition], [row]))!.Columns[0].GetBoxed(0) is true;
    }

    /// <summary>The rows a navigation reads in a DEFINE: the variable's rows so far, with the current row when it is the variable being defined (or all rows).</summary>
    private List<MatchRow> RowsOf(string? variable, string defining, MatchRow current, IConditionContext<MatchRow> context)
    {
        var rows = new List<MatchRow>();
        if (variable is null)
        {
            foreach (var v in _variables)
                rows.AddRange(context.EventsForPattern(v));
        }
        else
        {
            rows.AddRange(context.EventsForPattern(variable));
        }

        if (variable is null || variable == defining)
            rows.Add(current);
        return rows;
    }

    private static RowBatch Rows(IReadOnlyList<SqlType> types, ReadOnlySpan<object?[]> rows)
    {
        var builder = new RowBuilder(types);
        foreach (var row in rows)
            builder.Add(RowKind.Insert, row);
        return builder.Take()!;
    }
}
