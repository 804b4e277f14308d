using PyStream.Sql.Ast;

namespace PyStream.Sql.Printing;

internal static partial class SqlPrinter
{
    private static string Type(SqlDataType type)
    {
        var text = type switch
        {
            PrimitiveType p => PrimitiveName(p.Name) + (p.Precision is null ? "" : "(" + p.Precision + (p.Scale is null ? "" : ", " + p.Scale) + ")"),
            IntervalType i => "INTERVAL " + Qualifier(i.Qualifier),
            ArrayType a => "ARRAY<" + Type(a.Element) + ">",
            MultisetType m => "MULTISET<" + Type(m.Element) + ">",
            MapType m => "MAP<" + Type(m.Key) + ", " + Type(m.Value) + ">",
            RowType r => "ROW<" + List(r.Fields, f => Name(f.Name) + " " + Type(f.Type) + (f.Comment is null ? "" : " " + Quote(f.Comment))) + ">",
            RawType r => "RAW(" + Quote(r.ClassName) + (r.SerializerSnapshot is null ? "" : ", " + Quote(r.SerializerSnapshot)) + ")",
            _ => throw new NotSupportedException($"no SQL form for {type.GetType().Name}"),
        };
        return type.NotNull ? text + " NOT NULL" : type.ExplicitNull ? text + " NULL" : text;
    }

    private static string PrimitiveName(SqlTypeName name) => name switch
    {
        SqlTypeName.TimestampLtz => "TIMESTAMP_LTZ",
        _ => Upper(name),
    };
}
