using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// Expressions: the Pratt loop (prefix forms, then infix and postfix operators by binding power).
public sealed partial class SqlParser
{
    private static readonly Dictionary<string, BinaryOperator> ComparisonSymbols = new()
    {
        ["="] = BinaryOperator.Equals, ["<>"] = BinaryOperator.NotEquals, ["!="] = BinaryOperator.NotEquals,
        ["<"] = BinaryOperator.LessThan, [">"] = BinaryOperator.GreaterThan,
        ["<="] = BinaryOperator.LessOrEqual, [">="] = BinaryOperator.GreaterOrEqual,
    };

    private static readonly Dictionary<string, BinaryOperator> ArithmeticSymbols = new()
    {
        ["+"] = BinaryOperator.Plus, ["-"] = BinaryOperator.Minus, ["*"] = BinaryOperator.Multiply,
        ["/"] = BinaryOperator.Divide, ["%"] = BinaryOperator.Modulo, ["||"] = BinaryOperator.Concat,
    };

    private SqlExpr ParseExpr(int minPrecedence = Precedence.Lowest)
    {
        using var scope = Nest();
        var left = ParsePrefix();
        var links = 0;
        while (ParseInfix(left, minPrecedence) is { } combined)
        {
            left = combined;
            AddChainLink(ref links);
        }
        ReleaseChainLinks(links);
        return left;
    }

    /// <summary>Extends <paramref name="left"/> by one operator binding tighter than the minimum, or returns null.</summary>
    private SqlExpr? ParseInfix(SqlExpr left, int min)
    {
        var token = Current;
        if (token.Kind == TokenKind.Symbol)
        {
            if (ComparisonSymbols.TryGetValue(token.Text, out var comparison))
                return Binary(left, comparison, Precedence.Comparison, min);
            if (ArithmeticSymbols.TryGetValue(token.Text, out var arithmetic))
                return Binary(left, arithmetic, token.Text is "+" or "-" ? Precedence.Additive : Precedence.Multiplicative, min);
            if (token.Text == "[" && Precedence.Postfix > min)
            {
                Advance();
                var index = ParseExpr();
                ExpectSymbol("]");
                return At(left.Position, new ItemExpr(left, index));
            }
            if (token.Text == "." && Precedence.Postfix > min && PeekAhead(1).Kind is TokenKind.Word or TokenKind.QuotedIdentifier)
            {
                Advance();
                return At(left.Position, new FieldExpr(left, ParseIdentifier()));
            }
            return null;
        }
        if (token.Kind != TokenKind.Word)
            return null;
        if (token.IsWord("OR"))
            return Binary(left, BinaryOperator.Or, Precedence.Or, min);
        if (token.IsWord("AND"))
            return Binary(left, BinaryOperator.And, Precedence.And, min);
        if (token.IsWord("IS"))
            return Precedence.Is > min ? ParseIs(left) : null;
        var negated = token.IsWord("NOT");
        var predicate = negated ? PeekAhead(1) : token;
        if (predicate.IsWord("IN"))
            return Precedence.Comparison > min ? ParseIn(left, negated) : null;
        if (predicate.IsWord("BETWEEN"))
            return Precedence.Like > min ? ParseBetween(left, negated) : null;
        if (predicate.IsWord("LIKE") || predicate.IsWord("SIMILAR"))
            return Precedence.Like > min ? ParseLike(left, negated) : null;
        return null;
    }

    private BinaryExpr? Binary(SqlExpr left, BinaryOperator op, int precedence, int min)
    {
        if (precedence <= min)
            return null;
        Advance();
        return At(left.Position, new BinaryExpr(op, left, ParseExpr(precedence)));
    }

    private SqlExpr ParseIs(SqlExpr left)
    {
        ExpectWord("IS");
        var negated = AcceptWord("NOT");
        if (AcceptWord("DISTINCT"))
        {
            ExpectWord("FROM");
            var op = negated ? BinaryOperator.IsNotDistinctFrom : BinaryOperator.IsDistinctFrom;
            return At(left.Position, new BinaryExpr(op, left, ParseExpr(Precedence.Comparison)));
        }
        IsTest test;
        if (AcceptWord("NULL"))
            test = IsTest.Null;
        else if (AcceptWord("TRUE"))
            test = IsTest.True;
        else if (AcceptWord("FALSE"))
            test = IsTest.False;
        else if (AcceptWord("UNKNOWN"))
            test = IsTest.Unknown;
        else
            throw Unexpected();
        return At(left.Position, new IsExpr(left, test, negated));
    }

    private SqlExpr ParseIn(SqlExpr left, bool negated)
    {
        if (negated)
            Advance();
        ExpectWord("IN");
        ExpectSymbol("(");
        if (IsQueryStart())
        {
            var query = ParseQuery();
            ExpectSymbol(")");
            return At(left.Position, new InQueryExpr(left, query, negated));
        }
        var values = ParseCommaSeparated(() => ParseExpr());
        ExpectSymbol(")");
        return At(left.Position, new InListExpr(left, values, negated));
    }

    private BetweenExpr ParseBetween(SqlExpr left, bool negated)
    {
        if (negated)
            Advance();
        ExpectWord("BETWEEN");
        var symmetric = AcceptWord("SYMMETRIC");
        if (!symmetric)
            AcceptWord("ASYMMETRIC");
        var low = ParseExpr(Precedence.Like);
        ExpectWord("AND");
        var high = ParseExpr(Precedence.Like);
        return At(left.Position, new BetweenExpr(left, low, high, negated, symmetric));
    }

    private LikeExpr ParseLike(SqlExpr left, bool negated)
    {
        if (negated)
            Advance();
        var similar = AcceptWords("SIMILAR", "TO");
        if (!similar)
            ExpectWord("LIKE");
        var pattern = ParseExpr(Precedence.Like);
        var escape = AcceptWord("ESCAPE") ? ParseExpr(Precedence.Like) : null;
        return At(left.Position, new LikeExpr(left, pattern, escape, negated, similar));
    }

    private SqlExpr ParsePrefix()
    {
        var token = Current;
        var start = token.Position;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                Advance();
                return At(start, new NumericLiteral(token.Text, NumericKind.Integer));
            case TokenKind.Decimal:
                Advance();
                return At(start, new NumericLiteral(token.Text, NumericKind.Decimal));
            case TokenKind.Approximate:
                Advance();
                return At(start, new NumericLiteral(token.Text, NumericKind.Approximate));
            case TokenKind.String:
                Advance();
                return At(start, new StringLiteral(token.Text));
            case TokenKind.BinaryString:
                Advance();
                return At(start, new BinaryLiteral(token.Text));
            case TokenKind.QuotedIdentifier:
                return ParseNameOrCall();
            case TokenKind.Word:
                return ParseWordExpr();
            case TokenKind.Symbol when token.Text == "-":
                Advance();
                return At(start, new UnaryExpr(UnaryOperator.Negate, ParseExpr(Precedence.Unary)));
            case TokenKind.Symbol when token.Text == "+":
                Advance();
                return At(start, new UnaryExpr(UnaryOperator.Plus, ParseExpr(Precedence.Unary)));
            case TokenKind.Symbol when token.Text == "(":
                return ParseParenthesised();
        }
        Expecting("an expression");
        throw Unexpected();
    }

    private SqlExpr ParseParenthesised()
    {
        var start = Here;
        ExpectSymbol("(");
        if (IsQueryStart())
        {
            var query = ParseQuery();
            ExpectSymbol(")");
            return At(start, new SubqueryExpr(query));
        }
        if (AcceptSymbol(")"))
            return At(start, new RowExpr([], Explicit: false));
        var items = ParseCommaSeparated(() => ParseExpr());
        ExpectSymbol(")");
        return items.Count == 1 ? items[0] : At(start, new RowExpr(items, Explicit: false));
    }

    private SqlExpr ParseNameOrCall()
    {
        var start = Here;
        var name = ParseCompoundName();
        if (IsSymbol(".") && PeekAhead(1).IsSymbol("*"))
        {
            Advance();
            Advance();
            return At(start, new StarExpr(name));
        }
        return IsSymbol("(") ? ParseCall(name, start) : At(start, new IdentifierExpr(name));
    }

    private FunctionCall ParseCall(SqlList<string> name, SourcePosition start)
    {
        ExpectSymbol("(");
        var distinct = AcceptWord("DISTINCT");
        if (!distinct)
            AcceptWord("ALL");
        SqlList<SqlExpr> args;
        if (IsSymbol("*"))
            args = [At(Advance().Position, new StarExpr([]))];
        else
            args = IsSymbol(")") ? SqlList<SqlExpr>.Empty : ParseCommaSeparated(ParseArgument);
        ExpectSymbol(")");
        return FinishCall(new FunctionCall(name, args, distinct), start);
    }

    private SqlExpr ParseArgument()
    {
        if (IsIdentifierStart() && PeekAhead(1).IsSymbol("=>"))
        {
            var start = Here;
            var name = ParseIdentifier();
            Advance();
            return At(start, new NamedArgument(name, ParseExpr()));
        }
        return ParseExpr();
    }

    /// <summary>The optional FILTER (WHERE ..) and OVER .. after a call's closing parenthesis.</summary>
    private FunctionCall FinishCall(FunctionCall call, SourcePosition start)
    {
        if (AcceptWord("FILTER"))
        {
            ExpectSymbol("(");
            ExpectWord("WHERE");
            call = call with { Filter = ParseExpr() };
            ExpectSymbol(")");
        }
        if (AcceptWord("OVER"))
        {
            var overStart = Here;
            var spec = IsSymbol("(")
                ? ParseWindowSpec()
                : At(overStart, new WindowSpec(ParseIdentifier(), [], [], null, ReferenceOnly: true));
            call = call with { Over = spec };
        }
        return At(start, call);
    }

    private bool IsQueryStart() => IsWord("SELECT") || IsWord("WITH") || IsWord("VALUES");
}
