using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

/// <summary>
/// One node of a planned query's job: a SQL operator (built by <see cref="Factory"/> in each
/// subtask), or an engine source or sink it reuses (Kafka, files, print, collect), or a union.
/// </summary>
public sealed class PhysicalNode
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    /// <summary>What the operator is, for its uid and the plan: "Calc", "GroupAggregate", "Sink: print" ...</summary>
    public required string Kind { get; init; }

    public required int Parallelism { get; init; }

    public List<PhysicalInput> Inputs { get; } = [];

    public Func<OperatorTarget, StreamOperator>? Factory { get; init; }

    public SourceSpec? Source { get; init; }

    public SinkSpec? Sink { get; init; }

    /// <summary>The output's column types (for SQL operators).</summary>
    public IReadOnlyList<SqlType> OutputTypes { get; init; } = [];

    /// <summary>Set when a consumer reads this node's rows over a hash edge: its key columns, attached to each batch.</summary>
    public RowKeys? OutputKeys { get; set; }

    /// <summary>
    /// The stable uid of the operator, from the query: its position and kind in the plan and a
    /// digest of what it computes (its description and output types). A savepoint restores into
    /// the same query; a query changed where state lives gets other uids, so the restore is
    /// refused naming the operators whose state has no place, instead of misreading that state.
    /// </summary>
    public string Uid => UidAt(Index);

    /// <summary>The uid at a <paramref name="position"/> in the job (the plan's own index, or after a DataStream job's nodes).</summary>
    public string UidAt(int position)
    {
        var kind = Kind.Replace(' ', '-').Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        var what = System.Text.Encoding.UTF8.GetBytes(Name + "|" + string.Join(",", OutputTypes));
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(what))[..8];
        return $"sql-{position}-{kind}-{digest}";
    }
}

/// <summary>
/// An input of a node: node <paramref name="Node"/> of the plan, or, when
/// <paramref name="Transformation"/> is set, a transformation of the DataStream job the plan joins
/// (a table from a DataStream: the JobSpec edge goes to that transformation's id).
/// </summary>
public sealed record PhysicalInput(int Node, Partitioning Partitioning, int? Transformation = null)
{
    public static PhysicalInput FromTransformation(int id) => new(-1, Partitioning.Auto, id);

    public string Describe() => Transformation is { } id ? $"DataStream transformation {id}" : $"#{Node + 1} {Partitioning.ToString().ToUpperInvariant()}";
}
