using System.Globalization;
using System.Text;

namespace PyStream.Sql.Rendering;

/// <summary>
/// Numbers as Java prints them: <c>Double.toString</c> / <c>Float.toString</c> (shortest digits;
/// plain between 10^-3 and 10^7, else <c>1.0E-5</c>) and <c>BigDecimal.toString</c> (plain unless
/// the adjusted exponent is below -6). Flink's CAST to STRING and Row.toString both use them.
/// </summary>
internal static class JavaNumberText
{
    public static void AppendDouble(StringBuilder text, double value) =>
        AppendFloatingPoint(text, value, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Float.toString: the shortest digits of the float itself, not of the float widened.</summary>
    public static void AppendFloat(StringBuilder text, float value) =>
        AppendFloatingPoint(text, value, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>BigDecimal.toString of <paramref name="value"/> at <paramref name="scale"/> digits after the point.</summary>
    public static void AppendBigDecimal(StringBuilder text, decimal value, int scale)
    {
        var plain = PlainDecimal(value, scale);
        if (scale == 0)
        {
            text.Append(plain);
            return;
        }

        var negative = plain[0] == '-';
        var coefficient = plain.Replace("-", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        if (coefficient.Length == 0)
            coefficient = "0";
        var adjusted = -scale + (coefficient.Length - 1);
        if (adjusted >= -6)
        {
            text.Append(plain);
            return;
        }

        if (negative)
            text.Append('-');
        text.Append(coefficient[0]);
        if (coefficient.Length > 1)
            text.Append('.').Append(coefficient, 1, coefficient.Length - 1);
        text.Append('E').Append(adjusted.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The decimal rounded half-up to <paramref name="scale"/> digits, written with exactly that many (DecimalData.toString).</summary>
    public static string PlainDecimal(decimal value, int scale) => Functions.ValueFormatting.Format(value, scale);

    // .NET's "R" gives the shortest round-trip digits ("1E-05", "1.5E+20", "123.25"); Java lays
    // the same digits out its own way.
    private static void AppendFloatingPoint(StringBuilder text, double value, string roundTrip)
    {
        if (double.IsNaN(value))
        {
            text.Append("NaN");
            return;
        }

        if (double.IsInfinity(value))
        {
            text.Append(value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        var negative = roundTrip[0] == '-';
        if (negative)
            roundTrip = roundTrip[1..];
        var exponentAt = roundTrip.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? roundTrip : roundTrip[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(roundTrip.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = pointAt < 0 ? mantissa : mantissa.Remove(pointAt, 1);
        var integerDigits = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (negative)
            text.Append('-');
        if (digits.Length == 0)
        {
            text.Append("0.0");
            return;
        }

        // value = 0.d1d2... x 10^pointPosition, so d1.d2... x 10^(pointPosition - 1)
        var pointPosition = integerDigits - leadingZeros;
        var scientific = pointPosition - 1;
        if (scientific is >= -3 and < 7)
        {
            if (pointPosition <= 0)
            {
                text.Append("0.").Append('0', -pointPosition).Append(digits);
            }
            else if (digits.Length <= pointPosition)
            {
                text.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
            }
            else
            {
                text.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
            }

            return;
        }

        text.Append(digits[0]).Append('.');
        if (digits.Length > 1)
            text.Append(digits, 1, digits.Length - 1);
        else
            text.Append('0');
        text.Append('E').Append(scientific.ToString(CultureInfo.InvariantCulture));
    }
}
