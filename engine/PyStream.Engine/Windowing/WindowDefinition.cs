namespace PyStream.Engine.Windowing;

/// <summary>Where a window's contents are kept and folded.</summary>
public enum WindowContentsKind
{
    /// <summary>On the Python side: the user's reduce, aggregate or process function.</summary>
    Python,

    /// <summary>In the engine: a count per window, no Python.</summary>
    NativeCount,
}

/// <summary>
/// A keyed window in the engine's terms: which windows a record belongs to, when they fire,
/// what is evicted, how late records may come, and where contents are kept. Built from a
/// job's description where it enters the engine.
/// </summary>
public sealed record WindowDefinition(WindowAssigner Assigner, WindowTrigger Trigger)
{
    /// <summary>A built-in evictor run by the engine; null without one, or when Python runs it.</summary>
    public WindowEvictor? Evictor { get; init; }

    public long AllowedLatenessMs { get; init; }

    /// <summary>How many side outputs (output tags) window functions write to.</summary>
    public int SideOutputs { get; init; }

    public WindowContentsKind Contents { get; init; } = WindowContentsKind.Python;

    /// <summary>A Python trigger decides when windows fire; <see cref="Trigger"/> never fires them.</summary>
    public bool PythonTrigger { get; init; }

    /// <summary>Each record brings its own session gap (a Python gap extractor).</summary>
    public bool DynamicGap { get; init; }
}
