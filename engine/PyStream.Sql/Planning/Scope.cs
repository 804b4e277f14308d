using PyStream.Sql.Ast;

namespace PyStream.Sql.Planning;

/// <summary>The columns a name in an expression can refer to: a node's fields, by name and table alias.</summary>
public sealed class Scope(IReadOnlyList<PlanField> fields)
{
    public IReadOnlyList<PlanField> Fields { get; } = fields;

    /// <summary>The index of the column a one- or two-part name refers to; refuses unknown and ambiguous names.</summary>
    public int Resolve(IReadOnlyList<string> name, SqlNode at)
    {
        var (qualifier, column) = name.Count == 1 ? (null, name[0]) : (name[^2], name[^1]);
        var matches = new List<int>();
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == column && (qualifier is null ? !Fields[i].QualifiedOnly : Fields[i].Qualifier == qualifier))
                matches.Add(i);
        }

        if (matches.Count == 1)
            return matches[0];
        var written = string.Join('.', name);
        if (matches.Count > 1)
            throw new SqlValidationException($"Column '{written}' is ambiguous", at.Position);
        if (qualifier is not null && !Fields.Any(f => f.Qualifier == qualifier))
            throw new SqlValidationException($"Table '{qualifier}' not found{Suggestions.Hint(qualifier, Fields.Select(f => f.Qualifier).OfType<string>().Distinct())}", at.Position);
        throw new SqlValidationException($"Column '{written}' not found in any table{Suggestions.Hint(column, Fields.Select(f => f.Name))}", at.Position);
    }
}
