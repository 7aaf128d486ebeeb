namespace Berth.Api.Strategies.Core;

/// <summary>ServiceAccounts have only metadata rules (validated by <see cref="Validation.ObjectMetaValidator"/>).</summary>
public sealed class ServiceAccountStrategy : KindStrategy
{
    public static readonly ServiceAccountStrategy Instance = new();

    private ServiceAccountStrategy()
        : base(null)
    {
    }
}
