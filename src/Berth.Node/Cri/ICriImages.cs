namespace Berth.Node.Cri;

/// <summary>
/// The CRI ImageService as the agent uses it. Same conventions as <see cref="ICriRuntime"/>:
/// failures are <see cref="CriException"/>, implementations are thread-safe.
/// </summary>
public interface ICriImages
{
    /// <summary>Images matching <paramref name="filter"/>; all when null.</summary>
    Task<IReadOnlyList<Image>> ListImagesAsync(ImageFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The image, or null when it is not present on the node (not an error).</summary>
    Task<Image?> ImageStatusAsync(ImageSpec image, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pulls an image and returns its reference (the image id, e.g. "sha256:…"). No deadline other than
    /// <paramref name="cancellationToken"/>: pulls of large images take long.
    /// </summary>
    Task<string> PullImageAsync(ImageSpec image, AuthConfig? auth = null, PodSandboxConfig? sandboxConfig = null, CancellationToken cancellationToken = default);

    /// <summary>Removes an image (all its tags). Idempotent.</summary>
    Task RemoveImageAsync(ImageSpec image, CancellationToken cancellationToken = default);

    /// <summary>Usage of the filesystem(s) holding images and container layers.</summary>
    Task<ImageFsInfoResponse> ImageFsInfoAsync(CancellationToken cancellationToken = default);
}
