namespace Berth.ApiServer.Admission;

/// <summary>The object being admitted, for <see cref="QuotaCheck"/>: names for the error and the decoded object(s).</summary>
public sealed record QuotaSubject(string Resource, string Group, string Name, string Operation, object Item, object? OldItem);
