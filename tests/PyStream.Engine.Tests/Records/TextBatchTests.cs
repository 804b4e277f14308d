using PyStream.Engine.Records;

namespace PyStream.Engine.Tests.Records;

public sealed class TextBatchTests
{
    /// <summary>Record ends count code points, as Python slices a str: an emoji (two UTF-16 units) is one.</summary>
    [Fact]
    public void Records_with_newlines_and_characters_outside_the_BMP_keep_their_bounds_both_ways()
    {
        string[] records = ["😀 one\n{", "two", "x\n😀\ny"];
        var joined = new TextBatch(records);
        Assert.Equal(string.Join('\n', records), joined.Joined);
        Assert.Equal([7L, 11L, 17L], joined.Ends!); // where each ends (exclusive): 7 code points, newline, 3, newline, 5

        var parsed = new TextBatch(joined.Joined, records.Length, joined.Ends);
        Assert.Equal(records, parsed.Lines);
    }

    [Fact]
    public void Records_without_newlines_need_no_ends()
    {
        var batch = new TextBatch(["😀", "b"]);
        Assert.Equal("😀\nb", batch.Joined);
        Assert.Null(batch.Ends);
    }
}
