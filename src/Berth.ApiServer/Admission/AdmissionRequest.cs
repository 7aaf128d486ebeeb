using System.Text.Json.Nodes;
using Berth.Api.Kinds;
using Berth.ApiServer.Registry;

namespace Berth.ApiServer.Admission;

/// <summary>What an admission plugin sees: one operation on one object.</summary>
public sealed record AdmissionRequest(
    ResourceInfo Resource,
    string Operation,
    string Subresource,
    string Namespace,
    string Name,
    JsonObject? Object,
    JsonObject? OldObject,
    WriteOptions Options)
{
    public const string Create = "CREATE";
    public const string Update = "UPDATE";
    public const string Delete = "DELETE";
}

/// <summary>
/// An admission plugin, like kube-apiserver's: <see cref="AdmitAsync"/> may change the object (mutating
/// phase, before validation); <see cref="ValidateAsync"/> may only reject (after validation, before the write).
/// Reject by throwing <see cref="Berth.Api.Errors.StatusException"/>.
/// </summary>
public interface IAdmissionPlugin
{
    string Name { get; }

    ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken);

    ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
