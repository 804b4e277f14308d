using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>The aggregate functions and their result types, by Flink's rules (integer AVG keeps the integer type).</summary>
public static class Aggregates
{
    public static IReadOnlyList<string> Names { get; } =
        ["COUNT", "SUM", "SUM0", "AVG", "MIN", "MAX", "FIRST_VALUE", "LAST_VALUE", "LISTAGG"];

    public static bool IsAggregate(string name) => Names.Contains(name);

    public static SqlType ResultType(string function, IReadOnlyList<SqlType> args)
    {
        switch (function)
        {
            case "COUNT":
                return SqlType.BigInt.NotNull;
            case "LISTAGG":
                RequireArgs(function, args, 1, 2);
                if (!args[0].IsCharacter)
                    throw TypeError(function, args);
                return SqlType.String;
        }

        RequireArgs(function, args, 1, 1);
        var arg = args[0];
        switch (function)
        {
            case "SUM" or "SUM0" or "AVG" when !arg.IsNumeric:
                throw TypeError(function, args);
            case "SUM" or "SUM0" when arg.Kind == SqlTypeKind.Decimal:
                return SqlType.Decimal(SqlType.MaxDecimalPrecision, arg.Scale).AsNullable(function == "SUM");
            case "AVG" when arg.Kind == SqlTypeKind.Decimal:
                return SqlType.Decimal(SqlType.MaxDecimalPrecision, Math.Max(arg.Scale, 6));
            case "SUM" or "AVG" or "MIN" or "MAX" or "FIRST_VALUE" or "LAST_VALUE":
                return arg.AsNullable();
            case "SUM0":
                return arg.NotNull;
            default:
                throw new SqlValidationException($"unknown aggregate function {function}");
        }
    }

    private static void RequireArgs(string function, IReadOnlyList<SqlType> args, int min, int max)
    {
        if (args.Count < min || args.Count > max)
            throw new SqlValidationException($"Invalid number of arguments to function '{function}'. Was expecting {(min == max ? $"{min}" : $"{min} to {max}")} arguments");
    }

    private static SqlValidationException TypeError(string function, IReadOnlyList<SqlType> args) =>
        new($"Cannot apply '{function}' to arguments of type '{function}(<{string.Join(">, <", args)}>)'");
}
