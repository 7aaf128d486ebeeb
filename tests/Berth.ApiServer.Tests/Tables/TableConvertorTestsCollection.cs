namespace Berth.ApiServer.Tests.Tables;

/// <summary>Runs <see cref="TableConvertorTests"/> alone so its timing line is not inflated by other tests.</summary>
[CollectionDefinition(nameof(TableConvertorTests), DisableParallelization = true)]
public sealed class TableConvertorTestsCollection;
