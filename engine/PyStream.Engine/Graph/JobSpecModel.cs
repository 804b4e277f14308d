using PyStream.Engine.Spec;
using PyStream.Engine.Time;
using PyStream.Engine.Windowing;

namespace PyStream.Engine.Graph;

/// <summary>
/// Where a job's description (the JobSpec wire types) becomes the engine's own model: the
/// operators take these types, so other front ends (the SQL planner) build them directly.
/// </summary>
public static class JobSpecModel
{
    public static WatermarkGeneration Watermarks(WatermarkSpec spec) => new(
        spec.Kind switch
        {
            WatermarkSpec.Types.Kind.None => WatermarkKind.None,
            WatermarkSpec.Types.Kind.Monotonous => WatermarkKind.Monotonous,
            WatermarkSpec.Types.Kind.BoundedOutOfOrderness => WatermarkKind.BoundedOutOfOrderness,
            _ => throw new PyStreamException($"unknown watermark strategy {spec.Kind}"),
        },
        spec.OutOfOrdernessMs, spec.IdlenessMs, spec.IntervalMs);

    public static WindowDefinition Window(WindowSpec spec)
    {
        var assigner = Assigner(spec.Assigner);
        var pythonTrigger = spec.Trigger?.Kind == TriggerSpec.Types.Kind.Python;
        return new WindowDefinition(assigner, spec.Trigger is null ? assigner.DefaultTrigger() : Trigger(spec.Trigger))
        {
            // With a Python trigger the Python side decides firing, so it runs the evictor too.
            Evictor = pythonTrigger ? null : Evictor(spec.Evictor),
            AllowedLatenessMs = spec.AllowedLatenessMs,
            SideOutputs = spec.SideOutputTags.Count,
            Contents = spec.NativeAggregate switch
            {
                NativeWindowAggregate.NativeNone => WindowContentsKind.Python,
                NativeWindowAggregate.NativeCount => WindowContentsKind.NativeCount,
                _ => throw new PyStreamException($"unknown native window aggregate {spec.NativeAggregate}"),
            },
            PythonTrigger = pythonTrigger,
            DynamicGap = spec.Assigner.Kind == WindowAssignerSpec.Types.Kind.Session && spec.Assigner.DynamicGap,
        };
    }

    public static WindowAssigner Assigner(WindowAssignerSpec spec) => spec.Kind switch
    {
        WindowAssignerSpec.Types.Kind.Tumbling => new TumblingWindows(spec.SizeMs, spec.OffsetMs, spec.EventTime),
        WindowAssignerSpec.Types.Kind.Sliding => new SlidingWindows(spec.SizeMs, spec.SlideMs, spec.OffsetMs, spec.EventTime),
        // With a dynamic gap the operator builds each record's window from the record's own gap.
        WindowAssignerSpec.Types.Kind.Session => new SessionWindows(spec.DynamicGap ? 1 : spec.GapMs, spec.EventTime),
        WindowAssignerSpec.Types.Kind.Global => new GlobalWindows(),
        _ => throw new PyStreamException($"unknown window assigner {spec.Kind}"),
    };

    public static WindowTrigger Trigger(TriggerSpec spec)
    {
        WindowTrigger trigger = spec.Kind switch
        {
            TriggerSpec.Types.Kind.EventTime => new EventTimeTrigger(),
            TriggerSpec.Types.Kind.ProcessingTime => new ProcessingTimeTrigger(),
            TriggerSpec.Types.Kind.Count => new CountTrigger(spec.Count),
            TriggerSpec.Types.Kind.ContinuousEventTime => new ContinuousTrigger(spec.IntervalMs, eventTime: true),
            TriggerSpec.Types.Kind.ContinuousProcessingTime => new ContinuousTrigger(spec.IntervalMs, eventTime: false),
            TriggerSpec.Types.Kind.Never => new NeverTrigger(),
            // The Python trigger is asked through window actions; the operator never calls this one.
            TriggerSpec.Types.Kind.Python => new NeverTrigger(),
            _ => throw new PyStreamException($"unknown trigger {spec.Kind}"),
        };
        return spec.Purging ? new PurgingTrigger(trigger) : trigger;
    }

    /// <summary>The engine's evictor for a spec; null without one or when it needs Python.</summary>
    public static WindowEvictor? Evictor(EvictorSpec? spec) => spec?.Kind switch
    {
        null or EvictorSpec.Types.Kind.Python => null,
        EvictorSpec.Types.Kind.Count when spec.MaxCount <= 0 => throw new PyStreamException($"CountEvictor needs a count > 0, got {spec.MaxCount}"),
        EvictorSpec.Types.Kind.Count => new CountEvictor(spec.MaxCount, spec.EvictAfter),
        EvictorSpec.Types.Kind.Time => new TimeEvictor(spec.KeepMs, spec.EvictAfter),
        _ => throw new PyStreamException($"unknown evictor kind {spec.Kind}"),
    };
}
