namespace PyStream.Engine.Cep;

/// <summary>
/// Writes the events a key's pattern state holds into checkpoints (the Python front end
/// holds handles to Python objects and writes their pickles, SQL stores rows). Each event is
/// written once, however many partial matches share it.
/// </summary>
public interface ICepEventSerializer<TEvent>
{
    void Write(BinaryWriter writer, TEvent value);

    TEvent Read(BinaryReader reader);
}
