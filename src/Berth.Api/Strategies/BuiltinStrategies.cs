namespace Berth.Api.Strategies;

/// <summary>Registers the strategies of the built-in kinds.</summary>
public static class BuiltinStrategies
{
    public static void Register(KindStrategies strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
    }
}
