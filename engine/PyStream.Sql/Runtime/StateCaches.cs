using PyStream.Engine.State;

namespace PyStream.Sql.Runtime;

/// <summary>How much keyed state an operator keeps typed in memory in front of its task's store.</summary>
internal static class StateCaches
{
    /// <summary>
    /// The most keys, rows or groups kept: the <paramref name="given"/> limit, else <paramref name="spillingDefault"/> in
    /// front of a store on disk (RocksDB), and no limit in front of the heap store, whose values are in memory anyway,
    /// so writing cold keys out into it only costs their encoding now and their decoding when they are used again
    /// (Nexmark q4, q9 and q19 at 10M events ran 2-3x slower that way; BENCHMARKS.md).
    /// </summary>
    public static int Limit(IKeyedStateStore store, int? given, int spillingDefault) =>
        given ?? (store.InMemory ? int.MaxValue : spillingDefault);
}
