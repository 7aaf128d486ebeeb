namespace Berth.Api.Validation;

/// <summary>
/// A bad value already rendered as kube-apiserver renders non-scalar values in field errors
/// (Go's <c>json.Marshal</c>: maps with sorted keys, structs in field order).
/// </summary>
public readonly record struct RawJson(string Json)
{
    public override string ToString() => Json;
}
