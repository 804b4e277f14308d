using PyStream.Sql.Ast;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>Data types as written (the parser's tree) to logical types, with Flink's defaults.</summary>
public static class TypeConverter
{
    public static SqlType FromAst(SqlDataType type)
    {
        var converted = type switch
        {
            PrimitiveType p => Primitive(p),
            IntervalType i => i.Qualifier.Start is TimeUnit.Year or TimeUnit.Month ? SqlType.IntervalYearMonth : SqlType.IntervalDayTime,
            ArrayType a => SqlType.Array(FromAst(a.Element)),
            MultisetType m => SqlType.Multiset(FromAst(m.Element)),
            MapType m => SqlType.Map(FromAst(m.Key), FromAst(m.Value)),
            RowType r => SqlType.Row(r.Fields.Select(f => new SqlField(f.Name, FromAst(f.Type))).ToArray()),
            RawType => throw new SqlValidationException("RAW types are not supported", type.Position),
            _ => throw new SqlValidationException($"unsupported type {type}", type.Position),
        };
        return type.NotNull ? converted.NotNull : converted;
    }

    private static SqlType Primitive(PrimitiveType p)
    {
        try
        {
            return p.Name switch
            {
                SqlTypeName.Char => SqlType.Char(p.Precision ?? 1),
                SqlTypeName.Varchar => SqlType.Varchar(p.Precision ?? 1),
                SqlTypeName.String => SqlType.String,
                SqlTypeName.Boolean => SqlType.Boolean,
                SqlTypeName.Binary => SqlType.Binary(p.Precision ?? 1),
                SqlTypeName.Varbinary => SqlType.Varbinary(p.Precision ?? 1),
                SqlTypeName.Bytes => SqlType.Bytes,
                SqlTypeName.Decimal => SqlType.Decimal(p.Precision ?? 10, p.Scale ?? 0),
                SqlTypeName.TinyInt => SqlType.TinyInt,
                SqlTypeName.SmallInt => SqlType.SmallInt,
                SqlTypeName.Int => SqlType.Int,
                SqlTypeName.BigInt => SqlType.BigInt,
                SqlTypeName.Float => SqlType.Float,
                SqlTypeName.Double => SqlType.Double,
                SqlTypeName.Date => SqlType.Date,
                SqlTypeName.Time => SqlType.Time(p.Precision ?? 0),
                SqlTypeName.Timestamp => SqlType.Timestamp(p.Precision ?? 6),
                SqlTypeName.TimestampLtz => SqlType.TimestampLtz(p.Precision ?? 6),
                _ => throw new SqlValidationException($"unsupported type {p.Name}", p.Position),
            };
        }
        catch (SqlTypeException error)
        {
            throw new SqlValidationException(error.Message, p.Position);
        }
    }
}
