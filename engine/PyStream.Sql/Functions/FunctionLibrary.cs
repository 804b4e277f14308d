using System.Collections.Frozen;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Functions;

/// <summary>
/// Flink's built-in scalar functions and operators, by the upper-case name the binder writes
/// in <see cref="CallExpr.Function"/>: which exist, what they accept and what they return.
/// <see cref="Compiling.CalcProgram"/> runs them.
/// </summary>
public static class FunctionLibrary
{
    private static readonly FrozenDictionary<string, Signature> Signatures = BuiltIns().ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Operators = FrozenSet.Create(StringComparer.Ordinal,
        "OR", "AND", "=", "<>", "<", ">", "<=", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM", "+", "-", "*", "/", "||",
        "NOT", "NEGATE", "IS NULL", "IS NOT NULL", "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IN", "LIKE",
        "SIMILAR TO", "CASE", "CAST", "TRY_CAST", "ITEM");

    /// <summary>The functions a user calls by name, sorted (SHOW FUNCTIONS, "did you mean").</summary>
    public static IReadOnlyList<string> ScalarFunctionNames { get; } =
        Signatures.Keys.Where(name => !Operators.Contains(name)).Order(StringComparer.Ordinal).ToArray();

    public static bool IsScalarFunction(string name) =>
        Signatures.ContainsKey(name.ToUpperInvariant()) && !Operators.Contains(name.ToUpperInvariant());

    /// <summary>
    /// The result type of <paramref name="function"/> applied to <paramref name="operands"/>, by Flink's
    /// rules; a <see cref="SqlValidationException"/> naming the operator and the operand types when
    /// they do not fit. CAST and TRY_CAST take their type from <see cref="CastRules.CastType"/>.
    /// </summary>
    public static SqlType InferType(string function, IReadOnlyList<BoundExpr> operands)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(operands);
        var name = function.ToUpperInvariant();
        if (name is "CAST" or "TRY_CAST")
            throw new ArgumentException($"{name} takes its type from CastRules.CastType, not from its operands", nameof(function));
        if (!Signatures.TryGetValue(name, out var signature))
            throw new SqlValidationException($"No match found for function signature {name}({string.Join(", ", operands.Select(o => $"<{o.Type}>"))})");
        var types = operands.Select(o => o.Type).ToArray();
        if (types.Length < signature.MinArgs || types.Length > signature.MaxArgs)
            throw new SqlValidationException(
                $"Invalid number of arguments to function '{name}'. Was expecting {ArgumentCount(signature)} arguments, got {types.Length}");
        var result = signature.Infer(new Call(name, operands, types));
        return result ?? throw CannotApply(name, types);
    }

    internal static SqlValidationException CannotApply(string name, IReadOnlyList<SqlType> types)
    {
        var quoted = types.Select(t => $"'{t}'").ToList();
        var list = quoted.Count <= 1 ? string.Concat(quoted) : $"{string.Join(", ", quoted.Take(quoted.Count - 1))} and {quoted[^1]}";
        return new SqlValidationException($"Cannot apply '{name}' to arguments of type {list}");
    }

    private static string ArgumentCount(Signature signature) =>
        signature.MinArgs == signature.MaxArgs ? $"{signature.MinArgs}"
        : signature.MaxArgs == int.MaxValue ? $"at least {signature.MinArgs}" : $"{signature.MinArgs} to {signature.MaxArgs}";

    private static IEnumerable<KeyValuePair<string, Signature>> BuiltIns() =>
        OperatorTypes.Signatures().Concat(StringTypes.Signatures()).Concat(NumericTypes.Signatures()).Concat(TemporalTypes.Signatures())
            .Concat(ValueConstructorTypes.Signatures());
}

/// <summary>How many operands a function takes and how its type follows from theirs (null: they do not fit).</summary>
internal sealed record Signature(int MinArgs, int MaxArgs, Func<Call, SqlType?> Infer)
{
    public static KeyValuePair<string, Signature> Define(string name, int minArgs, int maxArgs, Func<Call, SqlType?> infer) =>
        new(name, new Signature(minArgs, maxArgs, infer));
}

/// <summary>A call being typed: its name, its operands and their types.</summary>
internal sealed record Call(string Name, IReadOnlyList<BoundExpr> Operands, SqlType[] Types)
{
    public bool AnyNullable => Types.Any(t => t.Nullable);

    /// <summary>The result nullable when any operand is, Flink's default.</summary>
    public SqlType Strict(SqlType result) => result.AsNullable(AnyNullable);

    public bool All(Func<SqlType, bool> family, int from = 0) => Types.Skip(from).All(t => t.Kind == SqlTypeKind.Null || family(t));

    public bool Is(int index, Func<SqlType, bool> family) => Types[index].Kind == SqlTypeKind.Null || family(Types[index]);

    /// <summary>The string of a literal operand (a time unit, a TRIM side); null when the operand is not one.</summary>
    public string? LiteralString(int index) => Operands[index] is Literal { Value: string text } ? text.ToUpperInvariant() : null;

    public int? LiteralInt(int index) => Operands[index] is Literal { Value: int value } ? value : null;
}

/// <summary>Operand families, as Flink's input type strategies name them.</summary>
internal static class Family
{
    public static bool Numeric(SqlType t) => t.IsNumeric;

    public static bool Integer(SqlType t) => t.IsInteger;

    public static bool Character(SqlType t) => t.IsCharacter;

    public static bool Boolean(SqlType t) => t.Kind == SqlTypeKind.Boolean;

    public static bool Datetime(SqlType t) => t.IsTimestamp || t.Kind is SqlTypeKind.Date or SqlTypeKind.Time;

    public static bool TimestampOrDate(SqlType t) => t.IsTimestamp || t.Kind == SqlTypeKind.Date;

    public static bool Any(SqlType t) => true;
}
