using System.Globalization;
using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.TableApi;

/// <summary>
/// A Table API expression (pyflink.table.expressions) as the SQL expression that means the same:
/// <c>col('a') + 1</c> is <c>a + 1</c>, <c>col('a').count.distinct</c> is <c>COUNT(DISTINCT a)</c>,
/// <c>col('w').start</c> of a group window aliased w is <c>window_start</c>. Refusals name the
/// Table API method (<paramref name="method"/>) the expression was given to.
/// </summary>
internal sealed partial class TableExpressionConverter(string method, string? windowAlias = null)
{
    public SqlExpr Convert(TableExpression expression) => expression.KindCase switch
    {
        TableExpression.KindOneofCase.Field => Field(expression.Field),
        TableExpression.KindOneofCase.Literal => Literal(expression.Literal),
        TableExpression.KindOneofCase.Call => Call(expression.Call),
        TableExpression.KindOneofCase.Function => new FunctionCall([expression.Function.Name], Args(expression.Function.Args)),
        TableExpression.KindOneofCase.Cast => new CastExpr(Convert(expression.Cast.Expr), DataType(expression.Cast.Type), expression.Cast.TryCast),
        TableExpression.KindOneofCase.Interval => Interval(expression.Interval),
        TableExpression.KindOneofCase.Alias => throw Refuse($"an alias ('{expression.Alias.Name}') can only name a whole column of {method}, not part of an expression"),
        TableExpression.KindOneofCase.Symbol => throw Refuse($"the keyword {expression.Symbol} is not a value"),
        _ => throw Refuse("an empty expression"),
    };

    /// <summary>A select item: the expression and the name its alias gives it.</summary>
    public SelectItem Item(TableExpression expression) => expression.KindCase == TableExpression.KindOneofCase.Alias
        ? new SelectItem(Convert(expression.Alias.Expr), expression.Alias.Name)
        : new SelectItem(Convert(expression));

    public SqlValidationException Refuse(string message) => new($"{method}: {message}");

    private SqlExpr Field(string name)
    {
        if (name == "*")
            return new StarExpr(SqlList<string>.Empty);
        if (name.Length == 0)
            throw Refuse("col() needs a column name");
        if (name == windowAlias)
            throw Refuse($"the group window '{name}' is not a value; use {name}.start, {name}.end or {name}.rowtime");
        return new IdentifierExpr([name]);
    }

    private SqlList<SqlExpr> Args(IEnumerable<TableExpression> args) => SqlList.From(args.Select(Convert));

    private SqlExpr Literal(TableLiteral literal)
    {
        if (literal.Type.Length == 0)
            return !literal.IsNull ? throw Refuse($"the literal '{literal.Value}' has no type") : new NullLiteral();
        var type = DataType(literal.Type);
        if (literal.IsNull)
            return new CastExpr(new NullLiteral(), type, false);
        var value = literal.Value;
        if (type is not PrimitiveType primitive)
            throw Refuse($"a literal of type {literal.Type} is not supported; build it with row(), array() or map()");
        return primitive.Name switch
        {
            SqlTypeName.Boolean => new BooleanLiteral(bool.Parse(value)),
            SqlTypeName.Int or SqlTypeName.BigInt => Number(value, NumericKind.Integer),
            SqlTypeName.TinyInt or SqlTypeName.SmallInt => new CastExpr(Number(value, NumericKind.Integer), type, false),
            SqlTypeName.Double => Approximate(value),
            SqlTypeName.Float => new CastExpr(Approximate(value), type, false),
            SqlTypeName.Decimal => new CastExpr(Number(value, NumericKind.Decimal), type, false),
            SqlTypeName.Char or SqlTypeName.Varchar or SqlTypeName.String => new StringLiteral(value),
            SqlTypeName.Binary or SqlTypeName.Varbinary or SqlTypeName.Bytes => new BinaryLiteral(value.ToUpperInvariant()),
            SqlTypeName.Date => new TypedLiteral(TypedLiteralKind.Date, value),
            SqlTypeName.Time => new TypedLiteral(TypedLiteralKind.Time, value),
            SqlTypeName.Timestamp => new TypedLiteral(TypedLiteralKind.Timestamp, value),
            _ => new CastExpr(new StringLiteral(value), type, false),
        };
    }

    private static SqlExpr Number(string text, NumericKind kind) => text.StartsWith('-')
        ? new UnaryExpr(UnaryOperator.Negate, new NumericLiteral(text[1..], kind))
        : new NumericLiteral(text, kind);

    private SqlExpr Approximate(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw Refuse($"the DOUBLE literal {text} is not a finite number");
        // Written with an exponent, as SQL reads a DOUBLE literal (1.5 alone would be a DECIMAL).
        var written = value.ToString("R", CultureInfo.InvariantCulture);
        return Number(written.Contains('E', StringComparison.Ordinal) ? written : written + "E0", NumericKind.Approximate);
    }

    public SqlDataType DataType(string text)
    {
        try
        {
            return SqlParser.ParseDataType(text);
        }
        catch (SqlParseException e)
        {
            throw Refuse($"'{text}' is not a data type ({e.Message})");
        }
    }

    private SqlExpr Interval(TableInterval interval)
    {
        var unit = interval.Unit.ToUpperInvariant() switch
        {
            "YEAR" => TimeUnit.Year,
            "MONTH" => TimeUnit.Month,
            "WEEK" => TimeUnit.Week,
            "DAY" => TimeUnit.Day,
            "HOUR" => TimeUnit.Hour,
            "MINUTE" => TimeUnit.Minute,
            "SECOND" => TimeUnit.Second,
            "MILLISECOND" => TimeUnit.Millisecond,
            _ => throw Refuse($"'{interval.Unit}' is not an interval unit"),
        };
        // A week is 7 days and a millisecond a thousandth of a second: SQL's interval literals have neither unit.
        var (qualifier, scale) = unit switch
        {
            TimeUnit.Week => (new IntervalQualifier(TimeUnit.Day), 7m),
            TimeUnit.Millisecond => (new IntervalQualifier(TimeUnit.Second), 0.001m),
            _ => (new IntervalQualifier(unit), 1m),
        };
        var value = interval.Value;
        if (value.KindCase == TableExpression.KindOneofCase.Literal && !value.Literal.IsNull
            && long.TryParse(value.Literal.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            var amount = (Math.Abs((decimal)count) * scale).ToString(CultureInfo.InvariantCulture);
            return new IntervalLiteral(amount, count < 0, qualifier);
        }

        return new BinaryExpr(BinaryOperator.Multiply, Convert(value), new IntervalLiteral(scale.ToString(CultureInfo.InvariantCulture), false, qualifier));
    }

    private SqlExpr Call(TableCall call)
    {
        var args = call.Args;
        if (TableApiFunctions.Binary.TryGetValue(call.Name, out var binary))
            return Arity(call, 2) ?? new BinaryExpr(binary, Convert(args[0]), Convert(args[1]));
        if (TableApiFunctions.SqlNames.TryGetValue(call.Name, out var sqlName))
            return new FunctionCall([sqlName], Args(args));
        return call.Name switch
        {
            "not" => Arity(call, 1) ?? new UnaryExpr(UnaryOperator.Not, Convert(args[0])),
            "negate" => Arity(call, 1) ?? new UnaryExpr(UnaryOperator.Negate, Convert(args[0])),
            "is_null" => Is(call, IsTest.Null, false),
            "is_not_null" => Is(call, IsTest.Null, true),
            "is_true" => Is(call, IsTest.True, false),
            "is_not_true" => Is(call, IsTest.True, true),
            "is_false" => Is(call, IsTest.False, false),
            "is_not_false" => Is(call, IsTest.False, true),
            "between" => Arity(call, 3) ?? new BetweenExpr(Convert(args[0]), Convert(args[1]), Convert(args[2]), false, false),
            "not_between" => Arity(call, 3) ?? new BetweenExpr(Convert(args[0]), Convert(args[1]), Convert(args[2]), true, false),
            "in" => args.Count < 2 ? throw Refuse("in_ needs at least one value") : new InListExpr(Convert(args[0]), SqlList.From(args.Skip(1).Select(Convert)), false),
            "like" => Arity(call, 2) ?? new LikeExpr(Convert(args[0]), Convert(args[1]), null, false, false),
            "similar" => Arity(call, 2) ?? new LikeExpr(Convert(args[0]), Convert(args[1]), null, false, true),
            "if_then_else" => Arity(call, 3) ?? new CaseExpr(null, [new WhenClause(Convert(args[0]), Convert(args[1]))], Convert(args[2])),
            "distinct" => Distinct(call),
            "substring" => args.Count is 2 or 3
                ? new SubstringExpr(Convert(args[0]), Convert(args[1]), args.Count == 3 ? Convert(args[2]) : null)
                : throw Refuse("substring takes a start and an optional length"),
            "trim" => Trim(call),
            "position" => Arity(call, 2) ?? new PositionExpr(Convert(args[0]), Convert(args[1]), null),
            "extract" => Arity(call, 2) ?? new ExtractExpr(Unit(args[0]), Convert(args[1])),
            "floor" or "ceil" when args.Count == 2 => new FloorCeilExpr(call.Name == "ceil", Convert(args[0]), Unit(args[1])),
            "floor" or "ceil" => Arity(call, 1) ?? new FunctionCall([call.Name.ToUpperInvariant()], Args(args)),
            "to_date" => Arity(call, 1) ?? new CastExpr(Convert(args[0]), new PrimitiveType(SqlTypeName.Date), false),
            "to_time" => Arity(call, 1) ?? new CastExpr(Convert(args[0]), new PrimitiveType(SqlTypeName.Time), false),
            "row" => new RowExpr(Args(args), true),
            "array" => new ArrayExpr(Args(args)),
            "map" => new MapExpr(Args(args)),
            "at" => Arity(call, 2) ?? new ItemExpr(Convert(args[0]), Convert(args[1])),
            "get" => Arity(call, 2) ?? new FieldExpr(Convert(args[0]), args[1].Field),
            "current_date" or "current_time" or "current_timestamp" or "local_time" or "local_timestamp" =>
                new NiladicCall(call.Name.Replace("local_", "LOCAL", StringComparison.Ordinal).ToUpperInvariant()),
            "start" or "end" or "rowtime" or "proctime" => WindowProperty(call),
            "over" => Over(call),
            "row_interval" or "over_window" or "partition_by" => throw Refuse($"{call.Name} belongs in an over window: Over.partition_by(...).order_by(...).preceding(...)"),
            "asc" or "desc" or "nulls_first" or "nulls_last" => throw Refuse($"{call.Name} orders rows: it belongs in order_by"),
            _ => throw Refuse($"the expression method '{call.Name}' is not supported by PyStream's Table API yet"),
        };
    }

    private SqlExpr? Arity(TableCall call, int count) =>
        call.Args.Count == count ? null : throw Refuse($"{call.Name} takes {count - 1} argument{(count == 2 ? "" : "s")}, got {call.Args.Count - 1}");

    private SqlExpr Is(TableCall call, IsTest test, bool negated) => Arity(call, 1) ?? new IsExpr(Convert(call.Args[0]), test, negated);

    private SqlExpr Distinct(TableCall call)
    {
        if (call.Args.Count != 1 || Convert(call.Args[0]) is not FunctionCall aggregate || aggregate.Distinct)
            throw Refuse("distinct applies to an aggregate: col('a').count.distinct");
        return aggregate with { Distinct = true };
    }

    private SqlExpr Trim(TableCall call)
    {
        // trim(operand, side symbol, characters): pyflink's trim(leading, trailing, character) named as a side.
        var side = call.Args.Count > 1 ? call.Args[1].Symbol.ToUpperInvariant() switch
        {
            "LEADING" => TrimSide.Leading,
            "TRAILING" => TrimSide.Trailing,
            "BOTH" => TrimSide.Both,
            var other => throw Refuse($"trim takes BOTH, LEADING or TRAILING, got '{other}'"),
        } : (TrimSide?)null;
        var characters = call.Args.Count > 2 ? Convert(call.Args[2]) : null;
        return new TrimExpr(side, characters, Convert(call.Args[0]));
    }

    private TimeUnit Unit(TableExpression symbol) =>
        symbol.KindCase == TableExpression.KindOneofCase.Symbol && Enum.TryParse<TimeUnit>(symbol.Symbol, ignoreCase: true, out var unit)
            ? unit
            : throw Refuse($"expected a time unit (TimeIntervalUnit/TimePointUnit), got {symbol}");

    private SqlExpr WindowProperty(TableCall call)
    {
        if (call.Args.Count != 1 || call.Args[0].KindCase != TableExpression.KindOneofCase.Field)
            throw Refuse($"{call.Name} is a property of a group window: col('w').{call.Name}");
        var name = call.Args[0].Field;
        if (windowAlias is null || name != windowAlias)
            throw Refuse($"'{name}' is not a group window here: {call.Name} needs table.window(Tumble/Slide/Session ... .alias('{name}'))");
        return call.Name switch
        {
            "start" => new IdentifierExpr(["window_start"]),
            "end" => new IdentifierExpr(["window_end"]),
            _ => new IdentifierExpr(["window_time"]),
        };
    }
}
