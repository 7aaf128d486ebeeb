namespace Berth.ApiServer.Apply;

/// <summary>The JSON type a scalar field accepts in an applied configuration.</summary>
public enum ScalarKind
{
    /// <summary>Any scalar (int-or-string, quantities, untyped values).</summary>
    Any,
    String,

    /// <summary>An integer or a floating-point number.</summary>
    Numeric,
    Boolean,
}
