using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// MATCH_RECOGNIZE after a table reference, and the row pattern of its PATTERN clause.
public sealed partial class SqlParser
{
    private MatchRecognizeRef ParseMatchRecognize(TableRef input)
    {
        ExpectWord("MATCH_RECOGNIZE");
        ExpectSymbol("(");
        var partitionBy = AcceptWords("PARTITION", "BY") ? ParseCommaSeparated(() => ParseExpr()) : SqlList<SqlExpr>.Empty;
        var orderBy = ParseOptionalOrderBy();
        var measures = AcceptWord("MEASURES") ? ParseCommaSeparated(ParseMeasure) : SqlList<SelectItem>.Empty;
        RowsPerMatch? rows = null;
        if (AcceptWord("ONE"))
        {
            ExpectWord("ROW");
            rows = RowsPerMatch.OneRow;
        }
        else if (AcceptWord("ALL"))
        {
            ExpectWord("ROWS");
            rows = RowsPerMatch.AllRows;
        }
        if (rows is not null)
        {
            ExpectWord("PER");
            ExpectWord("MATCH");
        }
        var after = IsWord("AFTER") ? ParseAfterMatch() : null;
        ExpectWord("PATTERN");
        ExpectSymbol("(");
        var pattern = ParsePatternAlternation();
        ExpectSymbol(")");
        var within = AcceptWord("WITHIN") ? ParseExpr() : null;
        if (IsWord("SUBSET"))
            throw Unsupported("SUBSET in MATCH_RECOGNIZE", Current);
        ExpectWord("DEFINE");
        var define = ParseCommaSeparated(ParseDefinition);
        ExpectSymbol(")");
        return At(input.Position, new MatchRecognizeRef(input, partitionBy, orderBy, measures, rows, after, pattern, within, define, ParseOptionalAlias()));
    }

    private SelectItem ParseMeasure()
    {
        var start = Here;
        var expr = ParseExpr();
        if (!AcceptWord("AS"))
            throw Unexpected();
        return At(start, new SelectItem(expr, ParseIdentifier()));
    }

    private PatternDefinitionItem ParseDefinition()
    {
        var start = Here;
        var variable = ParseIdentifier();
        ExpectWord("AS");
        return At(start, new PatternDefinitionItem(variable, ParseExpr()));
    }

    private AfterMatchClause ParseAfterMatch()
    {
        var start = Here;
        ExpectWord("AFTER");
        ExpectWord("MATCH");
        ExpectWord("SKIP");
        if (AcceptWord("PAST"))
        {
            ExpectWord("LAST");
            ExpectWord("ROW");
            return At(start, new AfterMatchClause(AfterMatchKind.PastLastRow));
        }
        ExpectWord("TO");
        if (AcceptWords("NEXT", "ROW"))
            return At(start, new AfterMatchClause(AfterMatchKind.ToNextRow));
        if (AcceptWord("FIRST"))
            return At(start, new AfterMatchClause(AfterMatchKind.ToFirst, ParseIdentifier()));
        // TO LAST v, and TO v, which means the same.
        AcceptWord("LAST");
        return At(start, new AfterMatchClause(AfterMatchKind.ToLast, ParseIdentifier()));
    }

    private PatternTerm ParsePatternAlternation()
    {
        using var scope = Nest();
        var sequence = ParsePatternSequence();
        if (IsSymbol("|"))
            throw Unsupported("alternation (|) in PATTERN", Current);
        return sequence;
    }

    private PatternTerm ParsePatternSequence()
    {
        var start = Here;
        var terms = new List<PatternTerm>();
        do
        {
            var term = ParseQuantifiedPattern();
            if (term is PatternSequence inner)
                terms.AddRange(inner.Terms);
            else
                terms.Add(term);
        }
        while (!IsSymbol(")") && !IsSymbol("|"));
        return terms.Count == 1 ? terms[0] : At(start, new PatternSequence(SqlList.From(terms)));
    }

    private PatternTerm ParseQuantifiedPattern()
    {
        var start = Here;
        var term = ParsePatternPrimary();
        var quantifierStart = Current;
        (int Min, int? Max)? bounds = null;
        if (AcceptSymbol("*"))
            bounds = (0, null);
        else if (AcceptSymbol("+"))
            bounds = (1, null);
        else if (AcceptSymbol("?"))
            bounds = (0, 1);
        else if (IsSymbol("{"))
            bounds = ParseQuantifierBounds();
        if (bounds is not { } b)
            return term;
        if (b.Max is { } max && (max < b.Min || max == 0))
        {
            var written = b.Min == max ? $"{{{max}}}" : $"{{{b.Min},{max}}}";
            var reason = max == 0 ? "it matches no row" : "the upper bound is below the lower bound";
            throw new SqlParseException($"the quantifier {written} is ill-formed: {reason}", quantifierStart.Position, quantifierStart.Describe());
        }
        var reluctant = AcceptSymbol("?");
        return At(start, new QuantifiedPattern(term, b.Min, b.Max, reluctant));
    }

    private (int Min, int? Max) ParseQuantifierBounds()
    {
        var brace = Advance();
        if (IsSymbol("-"))
        {
            if (PeekAhead(1).Kind == TokenKind.Integer)
                throw new SqlParseException("a quantifier bound must not be negative", Here, Current.Describe());
            throw Unsupported("pattern exclusion {- ... -}", brace);
        }
        int? min = Current.Kind == TokenKind.Integer ? ParseUnsignedInteger() : null;
        int? max = min;
        if (AcceptSymbol(","))
        {
            if (IsSymbol("-"))
                throw new SqlParseException("a quantifier bound must not be negative", Here, Current.Describe());
            max = Current.Kind == TokenKind.Integer ? ParseUnsignedInteger() : null;
        }
        else if (min is null)
        {
            Expecting("an integer");
            throw Unexpected();
        }
        ExpectSymbol("}");
        return (min ?? 0, max);
    }

    private PatternTerm ParsePatternPrimary()
    {
        if (AcceptSymbol("("))
        {
            var inner = ParsePatternAlternation();
            ExpectSymbol(")");
            return inner;
        }
        if (IsWord("PERMUTE") && PeekAhead(1).IsSymbol("("))
            throw Unsupported("PERMUTE in PATTERN", Current);
        if (IsSymbol("{") && PeekAhead(1).IsSymbol("-"))
            throw Unsupported("pattern exclusion {- ... -}", Current);
        if (!IsIdentifierStart())
        {
            Expecting("a pattern variable");
            throw Unexpected();
        }
        var start = Here;
        return At(start, new PatternVariable(ParseIdentifier()));
    }
}
