using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// The Python side of a pattern stream (<c>pystream._runtime.cep</c>): its conditions, the
/// function its matches go to, and the events the NFA holds. Events stay Python objects there;
/// the engine refers to them by handle (arrivals numbered 0, 1, 2, ...; events restored from a
/// checkpoint negative) and has them pickled only for a checkpoint. Every method is one bridge
/// call for a whole batch.
/// </summary>
public interface IPythonCep : IDisposable
{
    void Open();

    /// <summary>
    /// Keeps the records of an arriving batch, except those at <paramref name="late"/> (indexes,
    /// ascending), as the events <paramref name="firstHandle"/>, <paramref name="firstHandle"/> + 1,
    /// ..., and tests them against every simple condition: per simple condition (in condition order)
    /// every kept record, or only those at the indexes <paramref name="wanted"/> gives for it.
    /// </summary>
    CepArrivals Prepare(PythonBatch records, long firstHandle, ReadOnlySpan<int> late, IReadOnlyList<int[]?>? wanted = null);

    /// <summary>Whether each query's event meets its iterative condition given its partial match.</summary>
    bool[] TestIterative(IReadOnlyList<CepConditionQuery> queries);

    /// <summary>
    /// Hands matches and timed-out partial matches to the function; returns what it produced per
    /// port (results on 0, nothing on the late port 1, side outputs from 2).
    /// </summary>
    Batch?[] Emit(IReadOnlyList<CepMatch> matches);

    /// <summary>
    /// The order events of one timestamp (these handles, in arrival order) are matched in, as the pattern
    /// stream's EventComparator sorts them: their indexes.
    /// </summary>
    int[] Order(ReadOnlySpan<long> handles);

    /// <summary>Unpickles events read from a checkpoint as the events with these handles.</summary>
    void Restore(ReadOnlySpan<long> handles, IReadOnlyList<byte[]> pickled);

    /// <summary>The events with these handles, pickled.</summary>
    CepPickled Pickle(ReadOnlySpan<long> handles);

    /// <summary>Forgets every event but those with <paramref name="live"/> handles; the next arrival is <paramref name="nextHandle"/>.</summary>
    void Retain(ReadOnlySpan<long> live, long nextHandle);

    /// <summary>Before a snapshot: state cached in Python goes to the engine's store.</summary>
    void PrepareSnapshot();

    void Close();
}

/// <summary>
/// An arriving batch as the NFA needs it: per simple condition (in condition order) one byte per
/// kept record, or per record it was asked for (1: it holds), and the late records.
/// </summary>
public sealed record CepArrivals(byte[] Tested, Batch? Late);

/// <summary>Pickled events: one blob, the end offset of each event in it.</summary>
public sealed record CepPickled(byte[] Blob, long[] Ends);

/// <summary>The events (handles) a partial match took for one stage, in order.</summary>
public readonly record struct CepStageEvents(string Stage, IReadOnlyList<long> Events);

/// <summary>Iterative condition <see cref="Condition"/> asked about <see cref="Event"/> with the partial match it would extend.</summary>
public readonly record struct CepConditionQuery(int Condition, long Event, long Timestamp, IReadOnlyList<CepStageEvents> Partial);

/// <summary>
/// A match (or a partial match that timed out) and the time the function sees as <c>ctx.timestamp()</c>, as the
/// pattern engine holds it: its events (handles) stage by stage, and per stage that took events its number in
/// <see cref="StageNames"/> (the pattern's, the same list for every match of an operator) and the end of its events.
/// </summary>
public readonly record struct CepMatch(bool TimedOut, long Timestamp, IReadOnlyList<string> StageNames, int[] Layout, long[] Events);
