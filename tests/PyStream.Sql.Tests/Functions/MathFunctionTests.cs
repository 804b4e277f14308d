using System.Globalization;
using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Functions;

public sealed class MathFunctionTests
{
    [Fact]
    public void Round_is_half_up_and_keeps_the_type()
    {
        Assert.Equal(3.0, Eval("ROUND", Dbl(2.5)));
        Assert.Equal(-3.0, Eval("ROUND", Dbl(-2.5)));
        Assert.Equal(1.24, Eval("ROUND", Dbl(1.235), Int(2)));
        Assert.Equal(130, Eval("ROUND", Int(125), Int(-1)));
        Assert.Equal("1.24", Convert.ToString(Eval("ROUND", Dec("1.235", 4, 3), Int(2)), CultureInfo.InvariantCulture));
        Assert.Equal(1.23, Eval("TRUNCATE", Dbl(1.239), Int(2)));
        Assert.Equal(120, Eval("TRUNCATE", Int(129), Int(-1)));
    }

    [Fact]
    public void Floor_ceil_abs_sign()
    {
        Assert.Equal(-2.0, Eval("FLOOR", Dbl(-1.5)));
        Assert.Equal(2.0, Eval("CEIL", Dbl(1.1)));
        Assert.Equal(2m, Eval("CEILING", Dec("1.01", 3, 2)));
        Assert.Equal(7, Eval("FLOOR", Int(7)));
        Assert.Equal(5, Eval("ABS", Int(-5)));
        Assert.Equal(int.MinValue, Eval("ABS", Int(int.MinValue)));
        Assert.Equal(1.5, Eval("ABS", Dbl(-1.5)));
        Assert.Equal(-1, Eval("SIGN", Int(-9)));
    }

    [Fact]
    public void Functions_of_doubles()
    {
        Assert.Equal(3.0, Eval("SQRT", Int(9)));
        Assert.Equal(8.0, Eval("POWER", Int(2), Int(3)));
        Assert.Equal(3.0, Eval("LOG10", Int(1000)));
        Assert.Equal(10.0, Eval("LOG2", Int(1024)));
        Assert.Equal(2.0, (double)Eval("LOG", Int(3), Int(9))!, 12);
        Assert.Equal(1.0, Eval("LN", Call("E")));
        Assert.Equal(180.0, Eval("DEGREES", Call("PI")));
        Assert.Null(Eval("SQRT", Null(SqlType.Double)));
    }
}
