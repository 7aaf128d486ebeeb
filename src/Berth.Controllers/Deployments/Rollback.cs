using System.Globalization;
using Berth.Client.Events;
using Berth.Controllers.Framework;
using k8s.Models;

namespace Berth.Controllers.Deployments;

public sealed partial class DeploymentController
{
    /// <summary>
    /// The revision asked for by the deprecated <c>deprecated.deployment.rollback.to</c> annotation (what
    /// extensions/v1beta1 <c>spec.rollbackTo</c> becomes in apps/v1), or null. kubectl ≥ 1.9 rolls back on
    /// the client instead, by patching the template.
    /// </summary>
    private static long? RollbackTo(V1Deployment d)
    {
        if (d.Metadata.Annotations?.TryGetValue(DeploymentUtil.RollbackToAnnotation, out var v) != true)
        {
            return null;
        }
        return long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Copies the template of the asked-for revision back into the Deployment (rollback).</summary>
    private async Task RollbackAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, oldRss, dd) = await GetAllReplicaSetsAndSyncRevisionAsync(d, rsList, createIfNotExisted: true, ct).ConfigureAwait(false);
        d = dd;
        var all = oldRss.Append(newRs).Where(rs => rs is not null).ToList()!;
        var revision = RollbackTo(d) ?? 0;
        if (revision == 0)
        {
            revision = DeploymentUtil.LastRevision(all!);
            if (revision == 0)
            {
                Event(d, EventRecorder.Warning, DeploymentUtil.RollbackRevisionNotFound, "Unable to find last revision.");
                await UpdateDeploymentAndClearRollbackToAsync(d, ct).ConfigureAwait(false);
                return;
            }
        }
        foreach (var rs in all)
        {
            if (DeploymentUtil.Revision(rs!.Metadata) != revision)
            {
                continue;
            }
            if (!TemplateHash.EqualIgnoreHash(d.Spec.Template, rs.Spec.Template))
            {
                var template = KubeObjects.Clone(rs.Spec.Template);
                template.Metadata?.Labels?.Remove(TemplateHash.PodTemplateHashLabel);
                d.Spec.Template = template;
                DeploymentUtil.SetDeploymentAnnotationsTo(d, rs);
                await UpdateDeploymentAndClearRollbackToAsync(d, ct).ConfigureAwait(false);
                Event(d, EventRecorder.Normal, DeploymentUtil.RollbackDone, $"Rolled back deployment \"{d.Metadata.Name}\" to revision {revision}");
            }
            else
            {
                Event(d, EventRecorder.Warning, DeploymentUtil.RollbackTemplateUnchanged,
                    $"The rollback revision contains the same template as current deployment \"{d.Metadata.Name}\"");
                await UpdateDeploymentAndClearRollbackToAsync(d, ct).ConfigureAwait(false);
            }
            return;
        }
        Event(d, EventRecorder.Warning, DeploymentUtil.RollbackRevisionNotFound, "Unable to find the revision to rollback to.");
        await UpdateDeploymentAndClearRollbackToAsync(d, ct).ConfigureAwait(false);
    }

    private async Task UpdateDeploymentAndClearRollbackToAsync(V1Deployment d, CancellationToken ct)
    {
        d.Metadata.Annotations?.Remove(DeploymentUtil.RollbackToAnnotation);
        await UpdateAsync(d, ct).ConfigureAwait(false);
    }
}
