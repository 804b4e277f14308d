using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// Expressions that start with a keyword: literals, CASE, CAST, and the special-syntax functions.
public sealed partial class SqlParser
{
    private static readonly HashSet<string> NiladicFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
    };

    // Reserved words that are also ordinary function names when a '(' follows.
    private static readonly HashSet<string> ReservedFunctionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "LEFT", "RIGHT", "GROUPING", "INSERT",
    };

    private SqlExpr ParseWordExpr()
    {
        var token = Current;
        var start = token.Position;
        var word = token.Text.ToUpperInvariant();
        var next = PeekAhead(1);
        switch (word)
        {
            case "NOT":
                Advance();
                return At(start, new UnaryExpr(UnaryOperator.Not, ParseExpr(Precedence.Not)));
            case "TRUE" or "FALSE" or "UNKNOWN":
                Advance();
                return At(start, new BooleanLiteral(word == "UNKNOWN" ? null : word == "TRUE"));
            case "NULL":
                Advance();
                return At(start, new NullLiteral());
            case "DATE" or "TIME" or "TIMESTAMP" when next.Kind == TokenKind.String:
                Advance();
                var kind = Enum.Parse<TypedLiteralKind>(word, ignoreCase: true);
                return At(start, new TypedLiteral(kind, Advance().Text));
            case "INTERVAL":
                return ParseIntervalLiteral();
            case "CASE":
                return ParseCase();
            case "CAST" or "TRY_CAST":
                return ParseCast();
            case "EXISTS":
                Advance();
                ExpectSymbol("(");
                var query = ParseQuery();
                ExpectSymbol(")");
                return At(start, new ExistsExpr(query));
            case "ROW" when next.IsSymbol("("):
                Advance();
                ExpectSymbol("(");
                var fields = IsSymbol(")") ? SqlList<SqlExpr>.Empty : ParseCommaSeparated(() => ParseExpr());
                ExpectSymbol(")");
                return At(start, new RowExpr(fields, Explicit: true));
            case "ARRAY" or "MAP" when next.IsSymbol("["):
                return ParseCollectionConstructor();
            case "TABLE" when next.Kind is TokenKind.Word or TokenKind.QuotedIdentifier:
                Advance();
                var table = ParseCompoundName();
                // One key bare, several in parentheses: the comma after the key ends the argument.
                var keys = AcceptWords("PARTITION", "BY") ? ParseExpr() switch
                {
                    RowExpr { Explicit: false } row => row.Items,
                    var key => [key],
                } : null;
                return At(start, new TableArgument(table, keys));
            case "DESCRIPTOR" when next.IsSymbol("("):
                Advance();
                return At(start, new DescriptorExpr(ParseIdentifierList()));
        }
        if (next.IsSymbol("("))
        {
            switch (word)
            {
                case "EXTRACT":
                    return ParseExtract();
                case "FLOOR" or "CEIL" or "CEILING":
                    return ParseFloorCeil();
                case "SUBSTRING":
                    return ParseSubstring();
                case "POSITION":
                    return ParsePosition();
                case "TRIM":
                    return ParseTrim();
                case "OVERLAY":
                    return ParseOverlay();
                case "TIMESTAMPADD" or "TIMESTAMPDIFF":
                    return ParseTimestampArithmetic();
            }
            if (ReservedFunctionNames.Contains(word))
            {
                Advance();
                return ParseCall([token.Text], start);
            }
        }
        if (NiladicFunctions.Contains(word))
        {
            Advance();
            return At(start, new NiladicCall(word));
        }
        if (SqlKeywords.IsReserved(word))
        {
            Expecting("an expression");
            throw Unexpected();
        }
        return ParseNameOrCall();
    }

    private IntervalLiteral ParseIntervalLiteral()
    {
        var start = Here;
        ExpectWord("INTERVAL");
        var negative = AcceptSymbol("-");
        if (!negative)
            AcceptSymbol("+");
        var value = ParseStringLiteral();
        return At(start, new IntervalLiteral(value, negative, ParseIntervalQualifier()));
    }

    private IntervalQualifier ParseIntervalQualifier()
    {
        var start = Here;
        var unit = ParseTimeUnit();
        int? precision = AcceptSymbol("(") ? ParseUnsignedInteger() : null;
        if (precision is not null)
            ExpectSymbol(")");
        if (!AcceptWord("TO"))
            return At(start, new IntervalQualifier(unit, precision));
        var end = ParseTimeUnit();
        int? fraction = AcceptSymbol("(") ? ParseUnsignedInteger() : null;
        if (fraction is not null)
            ExpectSymbol(")");
        return At(start, new IntervalQualifier(unit, precision, end, fraction));
    }

    /// <summary>A time unit word; plural forms such as MINUTES mean the singular, as in Flink.</summary>
    private TimeUnit ParseTimeUnit()
    {
        if (Current.Kind == TokenKind.Word)
        {
            var word = Current.Text;
            var singular = word.EndsWith('S') || word.EndsWith('s') ? word[..^1] : word;
            if (Enum.TryParse<TimeUnit>(word, ignoreCase: true, out var unit) || Enum.TryParse(singular, ignoreCase: true, out unit))
            {
                Advance();
                return unit;
            }
        }
        Expecting("a time unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, ...)");
        throw Unexpected();
    }

    private CaseExpr ParseCase()
    {
        var start = Here;
        ExpectWord("CASE");
        var operand = IsWord("WHEN") ? null : ParseExpr();
        var whens = new List<WhenClause>();
        while (AcceptWord("WHEN"))
        {
            var condition = ParseExpr();
            ExpectWord("THEN");
            whens.Add(new WhenClause(condition, ParseExpr()));
        }
        if (whens.Count == 0)
            throw Unexpected();
        var otherwise = AcceptWord("ELSE") ? ParseExpr() : null;
        ExpectWord("END");
        return At(start, new CaseExpr(operand, SqlList.From(whens), otherwise));
    }

    private CastExpr ParseCast()
    {
        var start = Here;
        var isTry = Advance().IsWord("TRY_CAST");
        ExpectSymbol("(");
        var operand = ParseExpr();
        ExpectWord("AS");
        var type = ParseDataType();
        ExpectSymbol(")");
        return At(start, new CastExpr(operand, type, isTry));
    }

    private SqlExpr ParseCollectionConstructor()
    {
        var start = Here;
        var isMap = Advance().IsWord("MAP");
        ExpectSymbol("[");
        var items = IsSymbol("]") ? SqlList<SqlExpr>.Empty : ParseCommaSeparated(() => ParseExpr());
        if (isMap && items.Count % 2 != 0)
            throw new SqlParseException("MAP[...] needs an even number of items: key, value, key, value, ...", Here, Current.Describe());
        ExpectSymbol("]");
        return isMap ? At(start, new MapExpr(items)) : At(start, new ArrayExpr(items));
    }

    private ExtractExpr ParseExtract()
    {
        var start = Here;
        Advance();
        ExpectSymbol("(");
        var unit = ParseTimeUnit();
        ExpectWord("FROM");
        var source = ParseExpr();
        ExpectSymbol(")");
        return At(start, new ExtractExpr(unit, source));
    }

    /// <summary>FLOOR(x TO unit) and CEIL(x TO unit); FLOOR(x) is an ordinary call.</summary>
    private SqlExpr ParseFloorCeil()
    {
        var start = Here;
        var name = Advance();
        ExpectSymbol("(");
        var operand = ParseExpr();
        if (AcceptWord("TO"))
        {
            var unit = ParseTimeUnit();
            ExpectSymbol(")");
            return At(start, new FloorCeilExpr(!name.IsWord("FLOOR"), operand, unit));
        }
        return FinishOrdinaryCall(name, operand, start);
    }

    /// <summary>SUBSTRING(x FROM a [FOR b]); SUBSTRING(x, a[, b]) is an ordinary call.</summary>
    private SqlExpr ParseSubstring()
    {
        var start = Here;
        var name = Advance();
        ExpectSymbol("(");
        var operand = ParseExpr();
        if (AcceptWord("FROM"))
        {
            var from = ParseExpr();
            var length = AcceptWord("FOR") ? ParseExpr() : null;
            ExpectSymbol(")");
            return At(start, new SubstringExpr(operand, from, length));
        }
        return FinishOrdinaryCall(name, operand, start);
    }

    /// <summary>The rest of a special-syntax function written as an ordinary call, after its first argument.</summary>
    private FunctionCall FinishOrdinaryCall(Token name, SqlExpr firstArgument, SourcePosition start)
    {
        var args = new List<SqlExpr> { firstArgument };
        while (AcceptSymbol(","))
            args.Add(ParseExpr());
        ExpectSymbol(")");
        return FinishCall(new FunctionCall([name.Text], SqlList.From(args)), start);
    }

    private PositionExpr ParsePosition()
    {
        var start = Here;
        Advance();
        ExpectSymbol("(");
        var needle = ParseExpr(Precedence.Comparison);
        ExpectWord("IN");
        var haystack = ParseExpr();
        var from = AcceptWord("FROM") ? ParseExpr() : null;
        ExpectSymbol(")");
        return At(start, new PositionExpr(needle, haystack, from));
    }

    private TrimExpr ParseTrim()
    {
        var start = Here;
        Advance();
        ExpectSymbol("(");
        TrimSide? side = AcceptWord("BOTH") ? TrimSide.Both
            : AcceptWord("LEADING") ? TrimSide.Leading
            : AcceptWord("TRAILING") ? TrimSide.Trailing
            : null;
        SqlExpr? characters = null;
        SqlExpr operand;
        if (AcceptWord("FROM"))
        {
            operand = ParseExpr();
        }
        else
        {
            var first = ParseExpr();
            if (AcceptWord("FROM"))
            {
                characters = first;
                operand = ParseExpr();
            }
            else if (side is null)
            {
                operand = first;
            }
            else
            {
                throw Unexpected();
            }
        }
        ExpectSymbol(")");
        return At(start, new TrimExpr(side, characters, operand));
    }

    private OverlayExpr ParseOverlay()
    {
        var start = Here;
        Advance();
        ExpectSymbol("(");
        var operand = ParseExpr();
        ExpectWord("PLACING");
        var replacement = ParseExpr();
        ExpectWord("FROM");
        var from = ParseExpr();
        var length = AcceptWord("FOR") ? ParseExpr() : null;
        ExpectSymbol(")");
        return At(start, new OverlayExpr(operand, replacement, from, length));
    }

    /// <summary>TIMESTAMPADD(unit, n, ts) and TIMESTAMPDIFF(unit, a, b): the unit is a word, not a value.</summary>
    private FunctionCall ParseTimestampArithmetic()
    {
        var start = Here;
        var name = Advance();
        ExpectSymbol("(");
        var unitStart = Here;
        var args = new List<SqlExpr> { At(unitStart, new TimeUnitExpr(ParseTimeUnit())) };
        while (AcceptSymbol(","))
            args.Add(ParseExpr());
        ExpectSymbol(")");
        return At(start, new FunctionCall([name.Text.ToUpperInvariant()], SqlList.From(args)));
    }
}
