using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Cep;

/// <summary>Builds the operator of a Python CEP API pattern stream (a <see cref="CepSpec"/> transformation); hosts register it.</summary>
public sealed class PythonCepOperators : IOperatorProvider
{
    public StreamOperator? Create(Transformation transformation, OperatorTarget target)
    {
        ArgumentNullException.ThrowIfNull(transformation);
        if (transformation.BodyCase != Transformation.BodyOneofCase.Cep)
            return null;
        var cep = transformation.Cep;
        return new PythonCepOperator(target.Node.Name, transformation.Id, CepSpecModel.Pattern(cep.Pattern), [.. cep.Conditions.Select(c => c.Iterative)],
            cep.EventTime ? CepTimeMode.EventTime : CepTimeMode.ProcessingTime, cep.LateDataTag.Length > 0, cep.HandlesTimeouts,
            cep.SideOutputTags.Count, target.Node.InputCount, ordersTies: cep.Comparator.Length > 0);
    }
}
