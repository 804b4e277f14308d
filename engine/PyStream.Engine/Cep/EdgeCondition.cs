namespace PyStream.Engine.Cep;

/// <summary>
/// The condition of an NFA edge: the pattern's numbered conditions combined with not, and,
/// or (Flink's <c>NotCondition</c>/<c>AndCondition</c>/<c>OrCondition</c>). Operands are
/// evaluated left to right and short-circuit, so an iterative condition behind a false
/// operand is not evaluated.
/// </summary>
internal sealed class EdgeCondition
{
    public enum Op
    {
        True,
        Atom,
        Not,
        And,
        Or,
    }

    public static EdgeCondition True { get; } = new(Op.True, -1, null, null);

    private EdgeCondition(Op kind, int atom, EdgeCondition? left, EdgeCondition? right)
    {
        Kind = kind;
        Atom = atom;
        Left = left;
        Right = right;
    }

    public Op Kind { get; }

    /// <summary>The condition number of an <see cref="Op.Atom"/>.</summary>
    public int Atom { get; }

    public EdgeCondition? Left { get; }

    public EdgeCondition? Right { get; }

    /// <summary>Condition <paramref name="condition"/>; -1 (no condition) is always true.</summary>
    public static EdgeCondition Of(int condition) => condition < 0 ? True : new(Op.Atom, condition, null, null);

    public static EdgeCondition Not(EdgeCondition operand) => new(Op.Not, -1, operand, null);

    public static EdgeCondition And(EdgeCondition left, EdgeCondition right) => new(Op.And, -1, left, right);

    public static EdgeCondition Or(EdgeCondition left, EdgeCondition right) => new(Op.Or, -1, left, right);

    /// <summary>The condition numbers this condition reads, as bits.</summary>
    public ulong Atoms => Kind switch
    {
        Op.Atom => 1UL << Atom,
        Op.Not => Left!.Atoms,
        Op.And or Op.Or => Left!.Atoms | Right!.Atoms,
        _ => 0,
    };

    public bool Evaluate<TState>(ref TState state)
        where TState : IAtomSource => Kind switch
        {
            Op.True => true,
            Op.Atom => state.Test(Atom),
            Op.Not => !Left!.Evaluate(ref state),
            Op.And => Left!.Evaluate(ref state) && Right!.Evaluate(ref state),
            _ => Left!.Evaluate(ref state) || Right!.Evaluate(ref state),
        };

    public override string ToString() => Kind switch
    {
        Op.True => "true",
        Op.Atom => "c" + Atom,
        Op.Not => $"!{Left}",
        Op.And => $"({Left} & {Right})",
        _ => $"({Left} | {Right})",
    };
}

/// <summary>Answers whether one numbered condition holds for the event at hand.</summary>
internal interface IAtomSource
{
    bool Test(int condition);
}
