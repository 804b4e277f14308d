using System.Runtime.CompilerServices;
using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>
/// The shared buffer's per-key map: searched in order while small, indexed past a few entries; checked against a
/// <see cref="Dictionary{TKey, TValue}"/> through random adds, updates and removes that cross the index's threshold both ways.
/// </summary>
public sealed class SmallTableTests
{
    [Fact]
    public void FindsAddsAndRemovesAsADictionaryDoesAtEverySize()
    {
        var random = new Random(20261207);
        var table = new SmallTable<long, int>();
        var model = new Dictionary<long, int>();
        var largest = 0;
        for (var step = 0; step < 20_000; step++)
        {
            // Keys from a small range, and adds favoured while the phase grows, removes while it shrinks.
            var key = (long)random.Next(40);
            var growing = step / 2_000 % 2 == 0;
            if (random.Next(10) < (growing ? 7 : 3))
            {
                ref var value = ref table.GetOrAdd(key, out var exists);
                Assert.Equal(model.ContainsKey(key), exists);
                value = step;
                model[key] = step;
            }
            else
            {
                table.Remove(key);
                model.Remove(key);
            }

            largest = Math.Max(largest, model.Count);
            Assert.Equal(model.Count, table.Count);
            var probe = (long)random.Next(40);
            ref var found = ref table.Find(probe);
            Assert.Equal(model.TryGetValue(probe, out var expected), !Unsafe.IsNullRef(ref found));
            if (!Unsafe.IsNullRef(ref found))
                Assert.Equal(expected, found);
        }

        var entries = Enumerable.Range(0, table.Count).Select(slot => (table.KeyAt(slot), table.ValueAt(slot)));
        Assert.Equal(model.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), entries.OrderBy(e => e.Item1));
        Assert.True(largest > 20, $"the table only grew to {largest} entries");
    }
}
