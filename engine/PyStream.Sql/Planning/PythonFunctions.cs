using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Parsing;
using PyStream.Sql.Protocol;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Python user-defined functions in the catalog: their declared types checked, and their calls
/// bound to <see cref="PythonCallExpr"/> with the arguments cast to the declared input types.
/// </summary>
internal static class PythonFunctions
{
    /// <summary>The kinds of values that cross to Python and back per batch (packed, see the bridge).</summary>
    public static bool Supported(SqlType type) => type.Kind is SqlTypeKind.Boolean or SqlTypeKind.TinyInt or SqlTypeKind.SmallInt
        or SqlTypeKind.Int or SqlTypeKind.BigInt or SqlTypeKind.Float or SqlTypeKind.Double or SqlTypeKind.Decimal or SqlTypeKind.Char
        or SqlTypeKind.Varchar or SqlTypeKind.Binary or SqlTypeKind.Varbinary or SqlTypeKind.Date or SqlTypeKind.Time
        or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz;

    /// <summary>The function's declared types, each parsed and supported; refuses the first that is not.</summary>
    public static void CheckTypes(PythonFunction python, SqlNode? at)
    {
        if (python.Kind is not (Scalar or Table or Aggregate or ""))
            throw new SqlValidationException($"Function '{python.Name}': Python {python.Kind} functions are not supported (scalar, table and aggregate functions are)", at?.Position);
        if (python.Kind == Table)
            TableResultFields(python, at);
        else
            ResultType(python, at);
        InputTypes(python, at);
    }

    public const string Scalar = "scalar";
    public const string Table = "table";
    public const string Aggregate = "aggregate";

    public static bool IsTableFunction(CatalogFunction function) => function.Python?.Kind == Table;

    public static bool IsAggregateFunction(CatalogFunction function) => function.Python?.Kind == Aggregate;

    public static SqlType ResultType(PythonFunction python, SqlNode? at) => Parse(python, python.ResultType, "result", at);

    /// <summary>A table function's columns: its result type is a ROW of supported types (udtf's result_types).</summary>
    public static IReadOnlyList<SqlField> TableResultFields(PythonFunction python, SqlNode? at)
    {
        var type = ParseAny(python, python.ResultType, "result", at);
        if (type.Kind != SqlTypeKind.Row || type.Fields.Count == 0)
            throw new SqlValidationException($"Function '{python.Name}': a table function's result type must be a ROW of its columns, got {type}", at?.Position);
        foreach (var field in type.Fields)
        {
            if (!Supported(field.Type))
                throw new SqlValidationException($"Function '{python.Name}': its result column {field.Name} is {field.Type}, which is not supported for Python functions yet", at?.Position);
        }

        return type.Fields;
    }

    public static SqlType[] InputTypes(PythonFunction python, SqlNode? at) =>
        python.InputTypes.Select((t, i) => Parse(python, t, $"argument {i + 1}", at)).ToArray();

    /// <summary>A call of the function with bound arguments.</summary>
    public static PythonCallExpr Call(CatalogFunction function, IReadOnlyList<BoundExpr> arguments, SqlNode at)
    {
        var python = function.Python
            ?? throw new SqlValidationException($"Function '{function.Name}' ('{function.ClassName}') has no Python function object: the client registering it did not resolve it", at.Position);
        if (python.Kind == Table)
            throw new SqlValidationException($"Function '{function.Name}' is a table function: call it in FROM, as LATERAL TABLE({function.Name}(...))", at.Position);
        var result = ResultType(python, at);
        return new PythonCallExpr(function.Name, Arguments(function, python, arguments, at), result);
    }

    /// <summary>A table function's call with bound arguments; its type is the ROW of its columns.</summary>
    public static PythonCallExpr TableCall(CatalogFunction function, IReadOnlyList<BoundExpr> arguments, SqlNode at)
    {
        var python = function.Python
            ?? throw new SqlValidationException($"Function '{function.Name}' ('{function.ClassName}') has no Python function object: the client registering it did not resolve it", at.Position);
        if (python.Kind != Table)
            throw new SqlValidationException($"Function '{function.Name}' is not a table function: LATERAL TABLE takes a udtf", at.Position);
        return new PythonCallExpr(function.Name, Arguments(function, python, arguments, at), SqlType.Row(TableResultFields(python, at)).NotNull);
    }

    /// <summary>The arguments of a call: cast to the declared input types, and of types that cross to Python.</summary>
    public static BoundExpr[] Arguments(CatalogFunction function, PythonFunction python, IReadOnlyList<BoundExpr> arguments, SqlNode at)
    {
        var declared = InputTypes(python, at);
        if (declared.Length > 0 && declared.Length != arguments.Count)
        {
            throw new SqlValidationException(
                $"Invalid function call: {function.Name}({string.Join(", ", arguments.Select(a => a.Type))}): the function takes {declared.Length} argument{(declared.Length == 1 ? "" : "s")} ({string.Join(", ", declared.AsEnumerable())})",
                at.Position);
        }

        var operands = new BoundExpr[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (declared.Length > 0)
            {
                var target = declared[i].AsNullable(argument.Type.Nullable || declared[i].Nullable);
                if (!CastRules.CanCast(argument.Type, target))
                    throw new SqlValidationException($"Invalid function call: argument {i + 1} of {function.Name} is {argument.Type}, which does not convert to the declared {declared[i]}", at.Position);
                argument = argument.Type.Equals(target) ? argument : QueryBinder.CastTo(argument, target);
            }
            else if (argument.Type.Kind == SqlTypeKind.Null)
            {
                throw new SqlValidationException($"Invalid function call: argument {i + 1} of {function.Name} is an untyped NULL (give it a type with CAST, or declare input_types)", at.Position);
            }

            if (!Supported(argument.Type))
                throw new SqlValidationException($"Invalid function call: argument {i + 1} of {function.Name} is {argument.Type}: values of that type do not go to Python functions yet", at.Position);
            operands[i] = argument;
        }

        return operands;
    }

    private static SqlType ParseAny(PythonFunction python, string text, string what, SqlNode? at)
    {
        try
        {
            return TypeConverter.FromAst(SqlParser.ParseDataType(text));
        }
        catch (Engine.PyStreamException error) when (error is SqlParseException or SqlValidationException or SqlTypeException)
        {
            throw new SqlValidationException($"Function '{python.Name}': its {what} type '{text}' is not a type: {error.Message}", at?.Position);
        }
    }

    private static SqlType Parse(PythonFunction python, string text, string what, SqlNode? at)
    {
        var type = ParseAny(python, text, what, at);
        if (!Supported(type))
            throw new SqlValidationException($"Function '{python.Name}': its {what} type {type} is not supported for Python functions yet", at?.Position);
        return type;
    }
}
