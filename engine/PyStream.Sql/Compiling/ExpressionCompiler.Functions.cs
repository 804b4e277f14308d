using System.Linq.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>The built-in functions: most are NULL on a NULL operand and call a static method of the function library.</summary>
internal sealed partial class ExpressionCompiler
{
    private CompiledValue Function(CallExpr call, List<Expression> block)
    {
        var name = call.Function;
        var operands = call.Operands;
        var strings = typeof(StringFunctions);
        var math = typeof(MathFunctions);
        switch (name)
        {
            case "+" or "-" or "*" or "/" or "MOD":
                return Arithmetic(call, block);
            case "NEGATE":
                return Negate(call, block);
            case "CAST" or "TRY_CAST":
                return Cast(Compile(operands[0], block), operands[0].Type, call.Type, name == "TRY_CAST", block);
            case "||" or "CONCAT":
                return Strict(call, block, args => args.Count == 2
                    ? Expression.Call(typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!, args[0], args[1])
                    : Invoke(strings, nameof(StringFunctions.Concat), Expression.NewArrayInit(typeof(string), args)));
            case "CONCAT_WS":
                return ConcatWs(call, block);
            case "LIKE" or "SIMILAR TO":
                return Like(call, block);
            case "REGEXP":
                return Strict(call, block, args => Invoke(typeof(RegexFunctions), nameof(RegexFunctions.Matches), args[0], Pattern(operands[1], args[1])));
            case "REGEXP_EXTRACT":
                return Strict(call, block, args => Invoke(typeof(RegexFunctions), nameof(RegexFunctions.Extract), args[0], Pattern(operands[1], args[1]),
                    args.Count > 2 ? ConvertTo(args[2], typeof(int)) : Expression.Constant(0)));
            case "REGEXP_REPLACE":
                return Strict(call, block, args => Invoke(typeof(RegexFunctions), nameof(RegexFunctions.ReplaceAll), args[0], Pattern(operands[1], args[1]), args[2]));
            case "TRIM":
                return Strict(call, block, args => Invoke(strings, nameof(StringFunctions.Trim), args[0], args[1], args[2]));
            case "POSITION" or "LOCATE":
                return Strict(call, block, args => args.Count == 2
                    ? Invoke(strings, nameof(StringFunctions.Position), args[0], args[1])
                    : Invoke(strings, nameof(StringFunctions.Locate), args[0], args[1], args[2]));
            case "SUBSTR":
                return Strict(call, block, args => Invoke(strings, nameof(StringFunctions.Substring), args.ToArray()));
            case "CHARACTER_LENGTH":
                return Strict(call, block, args => Invoke(strings, nameof(StringFunctions.CharLength), args[0]));
            case "UUID":
                return new(Store(Invoke(strings, nameof(StringFunctions.Uuid)), block), null);
            case "ABS":
                return Strict(call, block, args => Abs(args[0], call.Type));
            case "FLOOR" or "CEIL" or "CEILING":
                return FloorOrCeiling(call, block);
            case "ROUND" or "TRUNCATE":
                return Strict(call, block, args => RoundOrTruncate(name, args, call.Type));
            case "SIGN":
                return Strict(call, block, args => Invoke(math, nameof(MathFunctions.Sign), args[0]));
            case "SQRT" or "EXP" or "LN" or "LOG10" or "LOG2" or "SIN" or "COS" or "TAN" or "ASIN" or "ACOS" or "ATAN" or "ATAN2" or "POWER":
                return Strict(call, block, args => Invoke(typeof(Math), MathName(name), args.Select(a => ConvertTo(a, typeof(double))).ToArray()));
            case "LOG" or "DEGREES" or "RADIANS" or "COT":
                return Strict(call, block, args => Invoke(math, name[0] + name[1..].ToLowerInvariant(), args.Select(a => ConvertTo(a, typeof(double))).ToArray()));
            case "PI":
                return new(Expression.Constant(Math.PI), null);
            case "E":
                return new(Expression.Constant(Math.E), null);
            case "ROW" or "ARRAY" or "MAP":
                return Construct(call, block);
            case "ITEM":
                return Item(call, block);
            case "FIELD":
                return Field(call, block);
            case "CARDINALITY":
                return Strict(call, block, args => Invoke(typeof(ValueConstructors), nameof(ValueConstructors.Cardinality), ConvertTo(args[0], typeof(object))));
            case "JSON_VALUE" or "JSON_QUERY" or "JSON_EXISTS":
                return Strict(call, block, args => Invoke(typeof(JsonFunctions), name[5] + name[6..].ToLowerInvariant(), args[0],
                    operands[1] is Literal { Value: string path } ? Expression.Constant(JsonPath.Parse(path)) : args[1]));
            default:
                return DateTimeFunction(call, block) ?? StringFunction(call, block);
        }
    }

    private CompiledValue StringFunction(CallExpr call, List<Expression> block)
    {
        var method = call.Function switch
        {
            "UPPER" => nameof(StringFunctions.Upper),
            "LOWER" => nameof(StringFunctions.Lower),
            "INITCAP" => nameof(StringFunctions.InitCap),
            "CHAR_LENGTH" => nameof(StringFunctions.CharLength),
            "REPLACE" => nameof(StringFunctions.Replace),
            "SUBSTRING" => nameof(StringFunctions.Substring),
            "OVERLAY" => nameof(StringFunctions.Overlay),
            "LPAD" => nameof(StringFunctions.LPad),
            "RPAD" => nameof(StringFunctions.RPad),
            "REPEAT" => nameof(StringFunctions.Repeat),
            "REVERSE" => nameof(StringFunctions.Reverse),
            "SPLIT_INDEX" => nameof(StringFunctions.SplitIndex),
            "LEFT" => nameof(StringFunctions.Left),
            "RIGHT" => nameof(StringFunctions.Right),
            "ASCII" => nameof(StringFunctions.Ascii),
            "CHR" => nameof(StringFunctions.Chr),
            "MD5" => nameof(StringFunctions.Md5),
            "SHA1" => nameof(StringFunctions.Sha1),
            "SHA256" => nameof(StringFunctions.Sha256),
            "TO_BASE64" => nameof(StringFunctions.ToBase64),
            "FROM_BASE64" => nameof(StringFunctions.FromBase64),
            "LTRIM" => nameof(StringFunctions.LTrim),
            "RTRIM" => nameof(StringFunctions.RTrim),
            _ => throw new SqlValidationException($"No match found for function signature {call.Function}"),
        };
        return Strict(call, block, args => Invoke(typeof(StringFunctions), method, args.ToArray()));
    }

    /// <summary>A literal pattern becomes one compiled <see cref="System.Text.RegularExpressions.Regex"/> for the call site.</summary>
    private static Expression Pattern(BoundExpr pattern, Expression value) =>
        pattern is Literal { Value: string text } ? Expression.Constant(RegexFunctions.Compile(text, kind: 2, '\0', once: true)) : value;

    private CompiledValue Like(CallExpr call, List<Expression> block)
    {
        var similar = call.Function == "SIMILAR TO";
        var operands = call.Operands;
        if (operands[1] is Literal { Value: string pattern } && (operands.Count == 2 || operands[2] is Literal { Value: string }))
        {
            var escape = operands.Count == 3 ? RegexFunctions.EscapeChar((string)((Literal)operands[2]).Value!) : '\\';
            if (!similar && SimpleLike(pattern, escape) is { } simple)
                return Strict(call, block, args => simple(args[0]));
            var regex = Expression.Constant(RegexFunctions.Compile(pattern, similar ? 1 : 0, escape, once: true));
            return Strict(call, block, args => Invoke(typeof(RegexFunctions), nameof(RegexFunctions.Like), args[0], regex));
        }

        var method = similar ? nameof(RegexFunctions.SimilarTo) : nameof(RegexFunctions.Like);
        return Strict(call, block, args => Invoke(typeof(RegexFunctions), method, args.ToArray()));
    }

    /// <summary>
    /// LIKE 'abc', 'abc%', '%abc' and '%abc%' (no '_', no escape) as ordinal string tests, several
    /// times faster than the regex; null for any other pattern.
    /// </summary>
    private static Func<Expression, Expression>? SimpleLike(string pattern, char escape)
    {
        if (pattern.Contains('_', StringComparison.Ordinal) || pattern.Contains(escape, StringComparison.Ordinal))
            return null;
        var leading = pattern.StartsWith('%');
        var trailing = pattern.Length > 1 && pattern.EndsWith('%');
        var text = pattern[(leading ? 1 : 0)..(trailing ? pattern.Length - 1 : pattern.Length)];
        if (text.Contains('%', StringComparison.Ordinal))
            return null;
        var literal = Expression.Constant(text);
        var ordinal = Expression.Constant(StringComparison.Ordinal);
        var method = (leading, trailing) switch
        {
            (true, true) => nameof(string.Contains),
            (true, false) => nameof(string.EndsWith),
            (false, true) => nameof(string.StartsWith),
            _ => nameof(string.Equals),
        };
        var info = typeof(string).GetMethod(method, [typeof(string), typeof(StringComparison)])!;
        return s => Expression.Call(s, info, literal, ordinal);
    }

    /// <summary>CONCAT_WS(separator, ...): NULL only when the separator is; NULL arguments are skipped.</summary>
    private CompiledValue ConcatWs(CallExpr call, List<Expression> block)
    {
        var separator = Compile(call.Operands[0], block);
        if (separator.AlwaysNull)
            return Null(call.Type);
        var parts = call.Operands.Skip(1).Select(o => Compile(o, block))
            .Select(p => p.IsNull is null ? p.Value : Expression.Condition(p.IsNull, Expression.Constant(null, typeof(string)), p.Value));
        var joined = Invoke(typeof(StringFunctions), nameof(StringFunctions.ConcatWs), separator.Value, Expression.NewArrayInit(typeof(string), parts));
        return Store(joined, call.Type, separator.IsNull, block);
    }

    private static Expression Abs(Expression x, SqlType type) =>
        type.Kind is SqlTypeKind.Int or SqlTypeKind.BigInt or SqlTypeKind.IntervalDayTime or SqlTypeKind.IntervalYearMonth
            ? Invoke(typeof(Functions.Arithmetic), nameof(Functions.Arithmetic.Abs), x)
            : ConvertTo(Invoke(typeof(Math), nameof(Math.Abs), x), type.ClrType);

    private CompiledValue FloorOrCeiling(CallExpr call, List<Expression> block)
    {
        var floor = call.Function == "FLOOR";
        var x = call.Operands[0];
        if (call.Operands.Count == 2)
        {
            var unit = ((string)((Literal)call.Operands[1]).Value!).ToUpperInvariant();
            var method = floor ? nameof(DateTimeFunctions.Floor) : nameof(DateTimeFunctions.Ceiling);
            return Strict(call with { Operands = [x] }, block, args =>
                FromWallMicros(Invoke(typeof(DateTimeFunctions), method, ToWallMicros(args[0], x.Type), Expression.Constant(unit)), x.Type));
        }

        return Strict(call, block, args => x.Type.Kind switch
        {
            SqlTypeKind.Decimal => Invoke(typeof(MathFunctions), floor ? nameof(MathFunctions.Floor) : nameof(MathFunctions.Ceiling), args[0]),
            SqlTypeKind.Double or SqlTypeKind.Float => ConvertTo(Invoke(typeof(Math), floor ? nameof(Math.Floor) : nameof(Math.Ceiling), ConvertTo(args[0], typeof(double))), call.Type.ClrType),
            _ => args[0],
        });
    }

    private static Expression RoundOrTruncate(string name, IReadOnlyList<Expression> args, SqlType type)
    {
        var digits = args.Count > 1 ? ConvertTo(args[1], typeof(int)) : Expression.Constant(0);
        var method = name == "ROUND" ? nameof(MathFunctions.Round) : nameof(MathFunctions.Truncate);
        var x = type.Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt ? ConvertTo(args[0], typeof(int)) : args[0];
        return type.Kind == SqlTypeKind.Decimal
            ? Invoke(typeof(MathFunctions), method, ConvertTo(x, typeof(decimal)), digits, Expression.Constant(type.Scale))
            : ConvertTo(Invoke(typeof(MathFunctions), method, x, digits), type.ClrType);
    }

    private static string MathName(string name) => name switch
    {
        "LN" => nameof(Math.Log),
        "POWER" => nameof(Math.Pow),
        "ATAN2" => nameof(Math.Atan2),
        _ => name[0] + name[1..].ToLowerInvariant(),
    };

    /// <summary>ROW(...), ARRAY[...], MAP[...]: elements boxed, NULL elements allowed.</summary>
    private CompiledValue Construct(CallExpr call, List<Expression> block)
    {
        var elementTypes = call.Function switch
        {
            "ARRAY" => call.Operands.Select(_ => call.Type.Element!).ToList(),
            "MAP" => call.Operands.Select((_, i) => i % 2 == 0 ? call.Type.Element! : call.Type.Value!).ToList(),
            _ => call.Operands.Select(o => o.Type).ToList(),
        };
        var boxed = call.Operands.Select((o, i) =>
        {
            var value = Coerce(Compile(o, block), o.Type, elementTypes[i], block);
            var box = ConvertTo(value.Value, typeof(object));
            return value.IsNull is null ? box : Expression.Condition(value.IsNull, Expression.Constant(null), box);
        }).ToList();
        Expression array = Expression.NewArrayInit(typeof(object), boxed);
        if (call.Function == "MAP")
            array = Invoke(typeof(ValueConstructors), nameof(ValueConstructors.Map), array);
        return new(Store(ConvertTo(array, call.Type.ClrType), block), null);
    }

    /// <summary>array[i] and map[key]: NULL when there is no such element.</summary>
    private CompiledValue Item(CallExpr call, List<Expression> block) => Strict(call, block, args =>
    {
        var container = call.Operands[0].Type;
        var element = container.Kind == SqlTypeKind.Map
            ? Invoke(typeof(ValueConstructors), nameof(ValueConstructors.Item), args[0], ConvertTo(args[1], typeof(object)))
            : Invoke(typeof(ValueConstructors), nameof(ValueConstructors.Item), ConvertTo(args[0], typeof(object)), ConvertTo(args[1], typeof(int)));
        var clr = call.Type.ClrType;
        if (!clr.IsValueType)
            return ConvertTo(element, clr);
        var nullable = typeof(Nullable<>).MakeGenericType(clr);
        return Expression.Condition(Expression.Equal(element, Expression.Constant(null)), Expression.Constant(null, nullable), ConvertTo(Expression.Unbox(element, clr), nullable));
    });

    /// <summary><c>row.field</c> of a ROW value (an object?[] of its fields); the field's index is the second operand, a literal.</summary>
    private CompiledValue Field(CallExpr call, List<Expression> block)
    {
        var index = call.Operands[1] is Literal { Value: int i } ? i : throw new SqlValidationException($"a ROW field is picked by a constant index, got {call.Operands[1]}");
        var row = Compile(call.Operands[0], block);
        if (row.AlwaysNull)
            return Null(call.Type);
        var element = Expression.ArrayIndex(Expression.Convert(row.Value, typeof(object[])), Expression.Constant(index));
        var clr = call.Type.ClrType;
        Expression value = clr.IsValueType
            ? Expression.Condition(Expression.Equal(element, Expression.Constant(null)), Expression.Constant(null, typeof(Nullable<>).MakeGenericType(clr)),
                Expression.Convert(Expression.Unbox(element, clr), typeof(Nullable<>).MakeGenericType(clr)))
            : Expression.Convert(element, clr);
        return Store(value, call.Type, row.IsNull, block);
    }
}
