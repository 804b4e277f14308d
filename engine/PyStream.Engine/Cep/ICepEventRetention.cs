namespace PyStream.Engine.Cep;

/// <summary>
/// Optional for an <see cref="ICepEventSerializer{TEvent}"/> whose events refer to storage shared with
/// other events (SQL rows that point into their input batch): before the NFA keeps an event in the
/// shared buffer, where a partial match may hold it for long, it asks for a copy that stands alone,
/// so that a kept event does not hold its whole batch in memory; <see cref="Release"/> tells when
/// the buffer lets it go.
/// </summary>
public interface ICepEventRetention<TEvent>
{
    TEvent Detach(TEvent value);

    /// <summary>The shared buffer dropped an event it kept (detached): storage the front end holds for it may be reused.</summary>
    void Release(TEvent value)
    {
    }
}
