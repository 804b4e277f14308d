namespace PyStream.Sql.Functions;

/// <summary>Casts between numbers that C#'s conversions do not do the way Flink does.</summary>
public static class NumberCasts
{
    /// <summary>DOUBLE to DECIMAL(p, s): NULL for NaN, infinities and values too large, as Flink.</summary>
    public static decimal? ToDecimal(double value, int precision, int scale)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) >= 7.9e28)
            return null;
        return Arithmetic.Fit((decimal)value, precision, scale);
    }
}
