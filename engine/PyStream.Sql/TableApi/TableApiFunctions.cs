using System.Collections.Frozen;
using PyStream.Sql.Ast;

namespace PyStream.Sql.TableApi;

/// <summary>
/// The Table API's functions that are an operator or a SQL function of the same meaning, by the
/// name pyflink.table's Expression method (or expressions function) sends.
/// </summary>
internal static class TableApiFunctions
{
    public static FrozenDictionary<string, BinaryOperator> Binary { get; } = new Dictionary<string, BinaryOperator>
    {
        ["plus"] = BinaryOperator.Plus,
        ["minus"] = BinaryOperator.Minus,
        ["times"] = BinaryOperator.Multiply,
        ["divided_by"] = BinaryOperator.Divide,
        ["mod"] = BinaryOperator.Modulo,
        ["equals"] = BinaryOperator.Equals,
        ["not_equals"] = BinaryOperator.NotEquals,
        ["greater_than"] = BinaryOperator.GreaterThan,
        ["greater_than_or_equal"] = BinaryOperator.GreaterOrEqual,
        ["less_than"] = BinaryOperator.LessThan,
        ["less_than_or_equal"] = BinaryOperator.LessOrEqual,
        ["and"] = BinaryOperator.And,
        ["or"] = BinaryOperator.Or,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Method name to SQL function name; the arguments go over unchanged, the receiver first.</summary>
    public static FrozenDictionary<string, string> SqlNames { get; } = new Dictionary<string, string>
    {
        // aggregates
        ["sum"] = "SUM", ["sum0"] = "SUM0", ["count"] = "COUNT", ["avg"] = "AVG", ["min"] = "MIN", ["max"] = "MAX",
        ["first_value"] = "FIRST_VALUE", ["last_value"] = "LAST_VALUE", ["list_agg"] = "LISTAGG",
        ["stddev_pop"] = "STDDEV_POP", ["stddev_samp"] = "STDDEV_SAMP", ["var_pop"] = "VAR_POP", ["var_samp"] = "VAR_SAMP",
        // numbers
        ["abs"] = "ABS", ["sqrt"] = "SQRT", ["exp"] = "EXP", ["ln"] = "LN", ["log10"] = "LOG10", ["log2"] = "LOG2",
        ["log"] = "LOG", ["power"] = "POWER", ["round"] = "ROUND", ["truncate"] = "TRUNCATE", ["sign"] = "SIGN",
        ["sin"] = "SIN", ["cos"] = "COS", ["tan"] = "TAN", ["rand"] = "RAND", ["rand_integer"] = "RAND_INTEGER",
        // strings
        ["upper_case"] = "UPPER", ["lower_case"] = "LOWER", ["char_length"] = "CHAR_LENGTH", ["init_cap"] = "INITCAP",
        ["concat"] = "CONCAT", ["concat_ws"] = "CONCAT_WS", ["replace"] = "REPLACE", ["repeat"] = "REPEAT",
        ["ltrim"] = "LTRIM", ["rtrim"] = "RTRIM", ["lpad"] = "LPAD", ["rpad"] = "RPAD",
        ["regexp_replace"] = "REGEXP_REPLACE", ["regexp_extract"] = "REGEXP_EXTRACT", ["regexp"] = "REGEXP",
        ["from_base64"] = "FROM_BASE64", ["to_base64"] = "TO_BASE64", ["split_index"] = "SPLIT_INDEX",
        ["md5"] = "MD5", ["sha256"] = "SHA256", ["json_value"] = "JSON_VALUE", ["reverse"] = "REVERSE",
        // time
        ["to_timestamp"] = "TO_TIMESTAMP", ["to_timestamp_ltz"] = "TO_TIMESTAMP_LTZ", ["date_format"] = "DATE_FORMAT",
        ["unix_timestamp"] = "UNIX_TIMESTAMP", ["from_unixtime"] = "FROM_UNIXTIME", ["to_date_formatted"] = "TO_DATE",
        // values
        ["coalesce"] = "COALESCE", ["nullif"] = "NULLIF", ["greatest"] = "GREATEST", ["least"] = "LEAST",
        ["cardinality"] = "CARDINALITY",
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
