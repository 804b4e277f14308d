using PyStream.Engine.Cep;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Writes SQL rows into CEP state with the codec the other SQL operators use (whole rows, unread columns null); a row kept in
/// the shared buffer stops referring to its batch and moves into the operator's arena, whose slot goes back when the buffer drops it.
/// </summary>
internal sealed class MatchRowSerializer(IReadOnlyList<SqlType> types) : ICepEventSerializer<MatchRow>, ICepEventRetention<MatchRow>
{
    public void Write(BinaryWriter writer, MatchRow value) => ValueCodec.WriteRow(writer, value.Values(), types);

    public MatchRow Read(BinaryReader reader) => new(ValueCodec.ReadRow(reader, types));

    public MatchRow Detach(MatchRow value) => value.Detached();

    public void Release(MatchRow value) => value.Release();
}
