namespace Berth.ApiServer.Apply;

/// <summary>The decoded <c>metadata.managedFields</c>: each manager's fields and the time of its last change.</summary>
internal sealed class Managed
{
    public Dictionary<ManagerId, VersionedSet> Fields { get; } = [];
    public Dictionary<ManagerId, DateTime?> Times { get; } = [];

    public Managed Clone()
    {
        var m = new Managed();
        foreach (var kv in Fields)
        {
            m.Fields[kv.Key] = kv.Value;
        }
        foreach (var kv in Times)
        {
            m.Times[kv.Key] = kv.Value;
        }
        return m;
    }
}
