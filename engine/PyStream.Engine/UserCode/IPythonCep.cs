using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// The Python side of a pattern stream (<c>pystream._runtime.cep</c>): its conditions and the
/// function its matches go to. Events cross as pickled bytes, which the NFA's shared buffer keeps;
/// every method is one bridge call for a whole batch.
/// </summary>
public interface IPythonCep : IDisposable
{
    void Open();

    /// <summary>
    /// Pickles the records of an arriving batch, except those at <paramref name="late"/> (indexes,
    /// ascending), and tests the others against every simple condition.
    /// </summary>
    CepArrivals Prepare(PythonBatch records, ReadOnlySpan<int> late);

    /// <summary>Whether each query's event meets its iterative condition given its partial match.</summary>
    bool[] TestIterative(IReadOnlyList<CepConditionQuery> queries);

    /// <summary>
    /// Hands matches and timed-out partial matches to the function; returns what it produced per
    /// port (results on 0, nothing on the late port 1, side outputs from 2).
    /// </summary>
    Batch?[] Emit(IReadOnlyList<CepMatch> matches);

    /// <summary>Before a snapshot: state cached in Python goes to the engine's store.</summary>
    void PrepareSnapshot();

    void Close();
}

/// <summary>
/// An arriving batch as the NFA needs it: each record pickled (null where late), bit c of
/// <see cref="SimpleMasks"/>[i] set when record i meets simple condition c, and the late records.
/// </summary>
public sealed record CepArrivals(byte[]?[] Events, ulong[] SimpleMasks, Batch? Late);

/// <summary>The events a partial match took for one stage, in order.</summary>
public readonly record struct CepStageEvents(string Stage, IReadOnlyList<byte[]> Events);

/// <summary>Iterative condition <see cref="Condition"/> asked about <see cref="Event"/> with the partial match it would extend.</summary>
public readonly record struct CepConditionQuery(int Condition, byte[] Event, long Timestamp, IReadOnlyList<CepStageEvents> Partial);

/// <summary>A match (or a partial match that timed out) and the time the function sees as <c>ctx.timestamp()</c>.</summary>
public readonly record struct CepMatch(bool TimedOut, long Timestamp, IReadOnlyList<CepStageEvents> Stages);
