namespace PyStream.Engine.Cep;

/// <summary>
/// Optional for an <see cref="ICepEventSerializer{TEvent}"/> whose events refer to storage shared with
/// other events (SQL rows that point into their input batch): before the NFA keeps an event in the
/// shared buffer, where a partial match may hold it for long, it asks for a copy that stands alone,
/// so that a kept event does not hold its whole batch in memory.
/// </summary>
public interface ICepEventRetention<TEvent>
{
    TEvent Detach(TEvent value);
}
