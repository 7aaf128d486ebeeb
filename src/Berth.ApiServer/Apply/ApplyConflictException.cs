using Berth.Api.Errors;
using k8s.Models;

namespace Berth.ApiServer.Apply;

/// <summary>Fields an apply would change that other managers own (structured-merge-diff's <c>merge.Conflicts</c>).</summary>
internal sealed class ApplyConflictException(IReadOnlyList<(ManagerId Manager, FieldSet Fields)> conflicts)
    : Exception("apply conflicts")
{
    public IReadOnlyList<(ManagerId Manager, FieldSet Fields)> Conflicts { get; } = conflicts;

    /// <summary>All conflicting fields together, whoever owns them.</summary>
    public FieldSet AllFields()
    {
        var all = FieldSet.Empty;
        foreach (var (_, fields) in Conflicts)
        {
            all = all.Union(fields);
        }
        return all;
    }

    /// <summary>The conflicts minus the paths in <paramref name="allowed"/>; null when none remain.</summary>
    public ApplyConflictException? Without(FieldSet allowed)
    {
        var rest = new List<(ManagerId, FieldSet)>();
        foreach (var (m, fields) in Conflicts)
        {
            var left = new FieldSet();
            fields.Iterate(p =>
            {
                if (!allowed.Has(p))
                {
                    left.Insert([.. p]);
                }
            });
            left.Seal();
            if (!left.IsEmpty)
            {
                rest.Add((m, left));
            }
        }
        return rest.Count == 0 ? null : new ApplyConflictException(rest);
    }

    /// <summary>
    /// kube's 409 for apply conflicts (<c>NewConflictError</c>): one cause per field, reason
    /// <c>FieldManagerConflict</c>; managers sorted by identifier, fields in path order.
    /// </summary>
    public StatusException ToStatusException()
    {
        var ordered = Conflicts.OrderBy(c => c.Manager.Identifier, StringComparer.Ordinal).ToList();
        var causes = new List<V1StatusCause>();
        var lines = new List<string>();
        var count = 0;
        foreach (var (manager, fields) in ordered)
        {
            var who = manager.Describe();
            lines.Add($"conflicts with {who}:");
            fields.Iterate(p =>
            {
                var path = PathElement.PathString(p);
                causes.Add(new V1StatusCause { Reason = "FieldManagerConflict", Message = "conflict with " + who, Field = path });
                lines.Add("- " + path);
                count++;
            });
        }
        var message = count == 1
            ? $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}"
            : $"Apply failed with {count} conflicts: {string.Join("\n", lines)}";
        return new StatusException(new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Metadata = new V1ListMeta(),
            Status = "Failure",
            Code = 409,
            Reason = "Conflict",
            Message = message,
            Details = new V1StatusDetails { Causes = causes },
        });
    }
}
