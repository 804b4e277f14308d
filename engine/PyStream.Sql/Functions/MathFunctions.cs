namespace PyStream.Sql.Functions;

/// <summary>Flink's mathematical functions on non-null operands; ROUND is half-up (away from zero), as Java's BigDecimal.</summary>
public static class MathFunctions
{
    public static double Round(double x, int digits)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
            return x;
        if (Math.Abs(x) < 7.9e27 && digits is >= -28 and <= 28)
            return (double)RoundDecimal((decimal)x, digits, truncate: false);
        var factor = Math.Pow(10, digits);
        return Math.Round(x * factor, MidpointRounding.AwayFromZero) / factor;
    }

    public static float Round(float x, int digits) => (float)Round((double)x, digits);

    public static long Round(long x, int digits) => digits >= 0 ? x : (long)RoundDecimal(x, digits, truncate: false);

    public static int Round(int x, int digits) => digits >= 0 ? x : (int)RoundDecimal(x, digits, truncate: false);

    public static decimal Round(decimal x, int digits, int scale) =>
        Arithmetic.SetScale(RoundDecimal(x, digits, truncate: false), scale);

    public static double Truncate(double x, int digits)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
            return x;
        if (Math.Abs(x) < 7.9e27 && digits is >= -28 and <= 28)
            return (double)RoundDecimal((decimal)x, digits, truncate: true);
        var factor = Math.Pow(10, digits);
        return Math.Truncate(x * factor) / factor;
    }

    public static float Truncate(float x, int digits) => (float)Truncate((double)x, digits);

    public static long Truncate(long x, int digits) => digits >= 0 ? x : (long)RoundDecimal(x, digits, truncate: true);

    public static int Truncate(int x, int digits) => digits >= 0 ? x : (int)RoundDecimal(x, digits, truncate: true);

    public static decimal Truncate(decimal x, int digits, int scale) =>
        Arithmetic.SetScale(RoundDecimal(x, digits, truncate: true), scale);

    public static decimal Floor(decimal x) => decimal.Floor(x);

    public static decimal Ceiling(decimal x) => decimal.Ceiling(x);

    public static double Log(double x) => Math.Log(x);

    public static double Log(double b, double x) => Math.Log(x) / Math.Log(b);

    public static double Degrees(double x) => x * (180.0 / Math.PI);

    public static double Radians(double x) => x / 180.0 * Math.PI;

    public static double Cot(double x) => 1.0 / Math.Tan(x);

    public static int Sign(int x) => Math.Sign(x);

    public static long Sign(long x) => Math.Sign(x);

    public static double Sign(double x) => double.IsNaN(x) ? x : Math.Sign(x);

    public static float Sign(float x) => float.IsNaN(x) ? x : Math.Sign(x);

    public static decimal Sign(decimal x) => Math.Sign(x);

    private static decimal RoundDecimal(decimal x, int digits, bool truncate)
    {
        var mode = truncate ? MidpointRounding.ToZero : MidpointRounding.AwayFromZero;
        if (digits >= 0)
            return decimal.Round(x, Math.Min(digits, 28), mode);
        var factor = 1m;
        for (var i = 0; i < -digits && factor < 1e27m; i++)
            factor *= 10m;
        return decimal.Round(x / factor, 0, mode) * factor;
    }
}
