namespace PyStream.Engine.Cep;

/// <summary>Which clock orders a CEP operator's events and ends its windows.</summary>
public enum CepTimeMode
{
    /// <summary>Events wait, sorted by timestamp, until the watermark passes them; events behind the watermark are late.</summary>
    EventTime,

    /// <summary>Events are matched as they come, at the task's clock.</summary>
    ProcessingTime,
}
