namespace PyStream.Engine.Windowing;

public enum TriggerResult
{
    Continue,
    Fire,
    Purge,
    FireAndPurge,
}

/// <summary>What a trigger may use for the (key, window) it is called for.</summary>
public interface ITriggerContext
{
    long CurrentWatermark { get; }

    long CurrentProcessingTime { get; }

    void RegisterEventTimeTimer(long time);

    void DeleteEventTimeTimer(long time);

    void RegisterProcessingTimeTimer(long time);

    void DeleteProcessingTimeTimer(long time);

    /// <summary>One number of trigger state per (key, window): a count, or the next firing time.</summary>
    long? State { get; set; }
}

/// <summary>Decides when a window's contents are emitted (Flink's built-in triggers).</summary>
public abstract class WindowTrigger
{
    public abstract TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx);

    public abstract TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx);

    public abstract TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx);

    /// <summary>Windows merged into <paramref name="window"/>; their state was already combined.</summary>
    public virtual void OnMerge(Window window, ITriggerContext ctx)
    {
    }

    public abstract void Clear(Window window, ITriggerContext ctx);
}

/// <summary>Fires once the watermark passes the window's end; late records re-fire it at once.</summary>
public sealed class EventTimeTrigger : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx)
    {
        if (window.MaxTimestamp <= ctx.CurrentWatermark)
            return TriggerResult.Fire;
        ctx.RegisterEventTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override void OnMerge(Window window, ITriggerContext ctx)
    {
        if (window.MaxTimestamp > ctx.CurrentWatermark)
            ctx.RegisterEventTimeTimer(window.MaxTimestamp);
    }

    public override void Clear(Window window, ITriggerContext ctx)
    {
        // Clear runs when the cleanup timer fires; with no lateness that is this very timer, already gone.
        if (window.MaxTimestamp > ctx.CurrentWatermark)
            ctx.DeleteEventTimeTimer(window.MaxTimestamp);
    }
}

/// <summary>Fires when processing time reaches the window's end.</summary>
public sealed class ProcessingTimeTrigger : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx)
    {
        ctx.RegisterProcessingTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Fire;

    public override void OnMerge(Window window, ITriggerContext ctx)
    {
        if (window.MaxTimestamp > ctx.CurrentProcessingTime)
            ctx.RegisterProcessingTimeTimer(window.MaxTimestamp);
    }

    public override void Clear(Window window, ITriggerContext ctx) => ctx.DeleteProcessingTimeTimer(window.MaxTimestamp);
}

/// <summary>Fires every <c>count</c> records and starts counting again; the contents stay.</summary>
public sealed class CountTrigger(long count) : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx)
    {
        var seen = (ctx.State ?? 0) + 1;
        if (seen >= count)
        {
            ctx.State = null;
            return TriggerResult.Fire;
        }

        ctx.State = seen;
        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override void Clear(Window window, ITriggerContext ctx) => ctx.State = null;
}

/// <summary>Fires every interval (aligned to multiples of it) while the window is open, and at its end.</summary>
public sealed class ContinuousTrigger(long interval, bool eventTime) : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx)
    {
        if (eventTime && window.MaxTimestamp <= ctx.CurrentWatermark)
            return TriggerResult.Fire;
        if (eventTime)
            ctx.RegisterEventTimeTimer(window.MaxTimestamp);
        if (ctx.State is null)
        {
            var now = eventTime ? timestamp : ctx.CurrentProcessingTime;
            var next = Math.Min(now - (now % interval) + interval, window.MaxTimestamp);
            ctx.State = next;
            Register(ctx, next);
        }

        return TriggerResult.Continue;
    }

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) =>
        eventTime ? OnTime(time, window, ctx) : TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) =>
        eventTime ? TriggerResult.Continue : OnTime(time, window, ctx);

    private TriggerResult OnTime(long time, Window window, ITriggerContext ctx)
    {
        if (eventTime && time == window.MaxTimestamp)
            return TriggerResult.Fire;
        if (ctx.State != time)
            return TriggerResult.Continue;
        if (time >= window.MaxTimestamp)
        {
            ctx.State = null;
            return TriggerResult.Fire;
        }

        // The last firing is at the window's end, so a final partial interval is not lost.
        var next = Math.Min(time + interval, window.MaxTimestamp);
        ctx.State = next;
        Register(ctx, next);
        return TriggerResult.Fire;
    }

    private void Register(ITriggerContext ctx, long time)
    {
        if (eventTime)
            ctx.RegisterEventTimeTimer(time);
        else
            ctx.RegisterProcessingTimeTimer(time);
    }

    public override void Clear(Window window, ITriggerContext ctx)
    {
        if (ctx.State is { } next)
        {
            if (eventTime)
                ctx.DeleteEventTimeTimer(next);
            else
                ctx.DeleteProcessingTimeTimer(next);
        }

        ctx.State = null;
    }
}

/// <summary>The global window's default: never fires (a count trigger is set for count windows).</summary>
public sealed class NeverTrigger : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) => TriggerResult.Continue;

    public override void Clear(Window window, ITriggerContext ctx)
    {
    }
}

/// <summary>Turns every FIRE of the inner trigger into FIRE_AND_PURGE.</summary>
public sealed class PurgingTrigger(WindowTrigger inner) : WindowTrigger
{
    public override TriggerResult OnElement(long timestamp, Window window, ITriggerContext ctx) => Purge(inner.OnElement(timestamp, window, ctx));

    public override TriggerResult OnEventTime(long time, Window window, ITriggerContext ctx) => Purge(inner.OnEventTime(time, window, ctx));

    public override TriggerResult OnProcessingTime(long time, Window window, ITriggerContext ctx) => Purge(inner.OnProcessingTime(time, window, ctx));

    public override void OnMerge(Window window, ITriggerContext ctx) => inner.OnMerge(window, ctx);

    public override void Clear(Window window, ITriggerContext ctx) => inner.Clear(window, ctx);

    private static TriggerResult Purge(TriggerResult result) =>
        result is TriggerResult.Fire ? TriggerResult.FireAndPurge : result;
}
