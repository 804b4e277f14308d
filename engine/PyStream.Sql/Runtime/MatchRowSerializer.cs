using PyStream.Engine.Cep;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Writes SQL rows into CEP state with the codec the other SQL operators use.</summary>
internal sealed class MatchRowSerializer(IReadOnlyList<SqlType> types) : ICepEventSerializer<object?[]>
{
    public void Write(BinaryWriter writer, object?[] value) => ValueCodec.WriteRow(writer, value, types);

    public object?[] Read(BinaryReader reader) => ValueCodec.ReadRow(reader, types);
}
