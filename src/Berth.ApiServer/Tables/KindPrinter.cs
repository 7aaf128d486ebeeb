namespace Berth.ApiServer.Tables;

/// <summary>How one kind prints: its columns and a function from an object to the cells of its row.</summary>
/// <remarks>Cells always include the wide (priority 1) columns, as kube-apiserver prints with <c>Wide: true</c>.</remarks>
internal sealed class KindPrinter(
    IReadOnlyList<TableColumnDefinition> columns,
    Func<JsonView, PrintContext, object?[]> cells,
    Func<JsonView, IReadOnlyList<TableRowCondition>?>? conditions = null)
{
    public IReadOnlyList<TableColumnDefinition> Columns { get; } = columns;

    public object?[] Cells(JsonView obj, PrintContext ctx) => cells(obj, ctx);

    public IReadOnlyList<TableRowCondition>? Conditions(JsonView obj) => conditions?.Invoke(obj);
}
