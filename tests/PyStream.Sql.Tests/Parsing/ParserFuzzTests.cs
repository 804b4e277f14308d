using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;
using PyStream.Sql.Parsing;
using PyStream.Sql.Printing;
using PyStream.Sql.Tests.Printing;

namespace PyStream.Sql.Tests.Parsing;

/// <summary>
/// Truncated and mutated statements: the parser either succeeds or throws SqlParseException, never
/// anything else and never hangs; whatever it accepts prints back to an equal tree.
/// </summary>
public class ParserFuzzTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private static readonly string[] Fragments =
    [
        "(", ")", ",", ";", ".", "*", "+", "-", "=", "<", ">", "[", "]", "'", "`", "||", "=>", "--", "/*",
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "NULL", "IS", "IN", "BETWEEN", "CASE", "WHEN", "END",
        "AS", "JOIN", "ON", "TABLE", "LATERAL", "OVER", "PARTITION", "BY", "ORDER", "INTERVAL", "'5'", "SECOND",
        "CAST", "ROW", "ARRAY", "MAP", "WITH", "VALUES", "UNION", "ALL", "DISTINCT", "x", "`q`", "1", "2.5", "1e3",
    ];

    [Fact]
    public void Every_prefix_of_every_corpus_statement_parses_or_fails_cleanly()
    {
        RunBounded(() =>
        {
            foreach (var statement in SqlCorpus.Statements)
            {
                for (var length = 0; length <= statement.Length; length++)
                    CheckOutcome(statement[..length]);
            }
        });
    }

    [Fact]
    public void Random_token_mutations_parse_or_fail_cleanly()
    {
        var random = new Random(1414);
        var accepted = 0;
        const int rounds = 20_000;
        RunBounded(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var statement = SqlCorpus.Statements[random.Next(SqlCorpus.Statements.Length)];
                accepted += CheckOutcome(Mutate(statement, random)) ? 1 : 0;
            }
        });
        // Both outcomes must be exercised for the round-trip and the error paths to be tested.
        Assert.InRange(accepted, rounds / 20, rounds - (rounds / 20));
    }

    [Fact]
    public void Random_character_edits_lex_and_parse_or_fail_cleanly()
    {
        const string alphabet = "()[],;.*+-=<>!|'`\"/%_:xyz019 \n\teE$#\u00e9\u4e2d";
        var random = new Random(2718);
        RunBounded(() =>
        {
            for (var round = 0; round < 20_000; round++)
            {
                var text = SqlCorpus.Statements[random.Next(SqlCorpus.Statements.Length)].ToCharArray().ToList();
                for (var edit = 1 + random.Next(3); edit > 0 && text.Count > 0; edit--)
                {
                    var at = random.Next(text.Count);
                    if (random.Next(2) == 0)
                        text.RemoveAt(at);
                    else
                        text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                }
                CheckOutcome(new string([.. text]));
            }
        });
    }

    private static string Mutate(string sql, Random random)
    {
        var pieces = SqlLexer.Tokenize(sql).Where(t => t.Kind != TokenKind.End).Select(Render).ToList();
        var edits = 1 + random.Next(3);
        for (var i = 0; i < edits && pieces.Count > 0; i++)
        {
            var at = random.Next(pieces.Count);
            switch (random.Next(4))
            {
                case 0:
                    pieces.RemoveAt(at);
                    break;
                case 1:
                    pieces.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    pieces[at] = Fragments[random.Next(Fragments.Length)];
                    break;
                default:
                    (pieces[at], pieces[^1]) = (pieces[^1], pieces[at]);
                    break;
            }
        }
        return string.Join(" ", pieces);
    }

    private static string Render(Token token) => token.Kind switch
    {
        TokenKind.String => "'" + token.Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        TokenKind.QuotedIdentifier => "`" + token.Text.Replace("`", "``", StringComparison.Ordinal) + "`",
        TokenKind.BinaryString => "X'" + token.Text + "'",
        _ => token.Text,
    };

    /// <summary>True when the text parsed (and round-tripped), false when it failed cleanly.</summary>
    private static bool CheckOutcome(string sql)
    {
        SqlList<SqlStatement> script;
        try
        {
            script = SqlParser.ParseScript(sql);
        }
        catch (SqlParseException error)
        {
            Assert.True(error.Position.Line >= 1 && error.Position.Column >= 1, $"bad position for: {sql}");
            return false;
        }
        foreach (var statement in script)
        {
            var printed = statement.ToSql();
            Assert.True(statement.Equals(SqlParser.ParseStatement(printed)), $"round trip changed the tree of: {sql}\nprinted: {printed}");
        }
        return true;
    }

    private static void RunBounded(Action body)
    {
        var run = Task.Run(body);
        Assert.True(run.Wait(Budget), "the parser did not finish within the time budget");
        run.GetAwaiter().GetResult();
    }
}
