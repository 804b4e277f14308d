using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

public sealed class ExtremeAccumulatorTests
{
    private static AggCall Call(string function) => new(function, [0], false, -1, SqlType.BigInt, [SqlType.BigInt]);

    [Theory]
    [InlineData("MAX")]
    [InlineData("MIN")]
    public void Over_a_changelog_the_result_follows_adds_and_retractions_as_a_plain_multiset_does(string function)
    {
        // Seeded random adds and retractions (of values present or not), against a list kept by hand.
        var random = new Random(7);
        var accumulator = AggregateCalls.Create(Call(function));
        var model = new List<long>();
        for (var step = 0; step < 2_000; step++)
        {
            var value = (long)random.Next(0, 40);
            if (random.Next(3) == 0)
            {
                accumulator.Retract(value);
                model.Remove(value);
            }
            else
            {
                accumulator.Add(value);
                model.Add(value);
            }

            object? expected = model.Count == 0 ? null : function == "MAX" ? model.Max() : model.Min();
            Assert.Equal(expected, accumulator.Result);
        }
    }

    [Fact]
    public void Over_a_changelog_the_extreme_comes_back_after_a_write_and_read()
    {
        var accumulator = AggregateCalls.Create(Call("MAX"));
        foreach (var value in new long[] { 5, 9, 9, 2 })
            accumulator.Add(value);
        var read = RoundTrip(accumulator, Call("MAX"), insertOnly: false);
        Assert.Equal(9L, read.Result);
        read.Retract(9L);
        Assert.Equal(9L, read.Result);
        read.Retract(9L);
        Assert.Equal(5L, read.Result);
    }

    [Theory]
    [InlineData("MAX", 9L)]
    [InlineData("MIN", 2L)]
    public void Over_an_insert_only_input_only_the_extreme_is_kept_and_survives_a_write_and_read(string function, long expected)
    {
        var accumulator = AggregateCalls.Create(Call(function), insertOnly: true);
        Assert.Null(accumulator.Result);
        foreach (var value in new long?[] { 5, null, 9, 2, 7 })
            accumulator.Add(value);
        Assert.Equal(expected, accumulator.Result);
        Assert.Equal(expected, RoundTrip(accumulator, Call(function), insertOnly: true).Result);
    }

    [Fact]
    public void Over_an_insert_only_input_a_retraction_is_an_error_naming_the_function()
    {
        var accumulator = AggregateCalls.Create(Call("MAX"), insertOnly: true);
        accumulator.Add(3L);
        var error = Assert.Throws<SqlRuntimeException>(() => accumulator.Retract(3L));
        Assert.Contains("MAX", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Insert_only_accumulators_merge_to_the_extreme_of_both()
    {
        var calls = new AggregateCalls([Call("MAX"), Call("MIN")], insertOnly: true);
        var (a, b) = (calls.Create(), calls.Create());
        a[0].Add(4L);
        a[1].Add(4L);
        b[0].Add(8L);
        b[1].Add(1L);
        a[0].Merge(b[0]);
        a[1].Merge(b[1]);
        Assert.Equal([8L, 1L], a.Select(x => x.Result));
    }

    private static Accumulator RoundTrip(Accumulator accumulator, AggCall call, bool insertOnly)
    {
        var calls = new AggregateCalls([call], insertOnly: insertOnly);
        return calls.Deserialize(AggregateCalls.Serialize([accumulator], 1), out _)[0];
    }
}
