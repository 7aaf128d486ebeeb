namespace Berth.Controllers.Framework;

/// <summary>One subscriber's callbacks on a <see cref="SharedInformer{T}"/>.</summary>
internal sealed record InformerHandler<T>(Action<T>? Added, Action<T, T>? Updated, Action<T>? Deleted);
