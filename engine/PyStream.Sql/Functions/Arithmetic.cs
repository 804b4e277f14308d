using PyStream.Sql.Types;
using System.Numerics;

namespace PyStream.Sql.Functions;

/// <summary>
/// Arithmetic as Flink's generated Java code does it: integers wrap, integer division by zero fails
/// ("/ by zero"), MIN_VALUE / -1 is MIN_VALUE, DECIMAL results are rounded half-up to the result
/// scale and are NULL when they do not fit the result precision.
/// </summary>
public static class Arithmetic
{
    /// <summary>1, 1.0, 1.00, ...: multiplying by ScaledOnes[k] adds k fractional digits without changing the value.</summary>
    private static readonly decimal[] ScaledOnes =
        Enumerable.Range(0, 29).Select(k => decimal.Parse(k == 0 ? "1" : "1." + new string('0', k), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static int Divide(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;

    public static long Divide(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? unchecked(-a) : a / b;

    public static int Remainder(int a, int b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;

    public static long Remainder(long a, long b) => b == 0 ? throw DivideByZero() : b == -1 ? 0 : a % b;

    public static int Abs(int a) => a < 0 ? unchecked(-a) : a;

    public static long Abs(long a) => a < 0 ? unchecked(-a) : a;

    public static decimal? Add(decimal a, decimal b, int precision, int scale) => Apply('+', a, b, precision, scale);

    public static decimal? Subtract(decimal a, decimal b, int precision, int scale) => Apply('-', a, b, precision, scale);

    public static decimal? Multiply(decimal a, decimal b, int precision, int scale) => Apply('*', a, b, precision, scale);

    public static decimal? Divide(decimal a, decimal b, int precision, int scale) =>
        b == 0m ? throw new SqlRuntimeException("Division by zero") : Apply('/', a, b, precision, scale);

    public static decimal? Remainder(decimal a, decimal b, int precision, int scale) =>
        b == 0m ? throw new SqlRuntimeException("Division by zero") : Apply('%', a, b, precision, scale);

    /// <summary>The value rounded half-up to <paramref name="scale"/> digits, or null when it needs more than <paramref name="precision"/> digits.</summary>
    public static decimal? Fit(decimal value, int precision, int scale)
    {
        var exact = SetScale(value, scale);
        var integerDigits = precision - scale;
        return integerDigits > SqlType.DecimalValueDigits || Math.Abs(decimal.Truncate(exact)) < Pow10(integerDigits) ? exact : null;
    }

    /// <summary>
    /// Rounded half-up to <paramref name="scale"/> fractional digits, and written with that many (so 1.5
    /// in DECIMAL(4, 2) prints as 1.50) where System.Decimal's 28 digits have room for the trailing zeros;
    /// where not, the value is the same without some of them (texts are written at the type's scale).
    /// </summary>
    public static decimal SetScale(decimal value, int scale)
    {
        var rounded = decimal.Round(value, scale, MidpointRounding.AwayFromZero);
        var missing = scale - rounded.Scale;
        if (missing <= 0)
            return rounded;
        try
        {
            // Too many digits for that scale: System.Decimal rounds the product to fewer digits.
            var scaled = rounded * ScaledOnes[missing];
            return scaled.Scale == scale ? scaled : rounded;
        }
        catch (OverflowException)
        {
            return rounded;
        }
    }

    /// <summary>DECIMAL to an integer type as Java's BigDecimal.longValue: the fraction dropped, the low 64 bits kept.</summary>
    public static long DecimalToLong(decimal value)
    {
        var truncated = decimal.Truncate(value);
        if (truncated >= long.MinValue && truncated <= long.MaxValue)
            return (long)truncated;
        return unchecked((long)(ulong)(new BigInteger(truncated) & ulong.MaxValue));
    }

    private static decimal? Apply(char op, decimal a, decimal b, int precision, int scale)
    {
        decimal result;
        try
        {
            result = op switch
            {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                '/' => a / b,
                _ => a % b,
            };
        }
        catch (OverflowException)
        {
            // Past DECIMAL(p, s) (Flink's overflow: NULL), or only past what System.Decimal holds.
            if (precision - scale > SqlType.DecimalValueDigits)
                throw new SqlRuntimeException($"DECIMAL({precision}, {scale}) overflow: {a} {op} {b} needs more than the {SqlType.DecimalValueDigits} digits PyStream's decimal values hold");
            return null;
        }

        return Fit(result, precision, scale);
    }

    private static decimal Pow10(int digits)
    {
        var result = 1m;
        for (var i = 0; i < digits; i++)
            result *= 10m;
        return result;
    }

    private static SqlRuntimeException DivideByZero() => new("/ by zero");
}
