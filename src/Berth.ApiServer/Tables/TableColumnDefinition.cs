using System.Text.Json.Serialization;

namespace Berth.ApiServer.Tables;

/// <summary>
/// One column of a <c>meta.k8s.io/v1 Table</c>. Every field is always written, as kube-apiserver does.
/// </summary>
/// <param name="Name">Human-readable header, e.g. <c>Name</c>, <c>Ready</c>, <c>Nominated Node</c>; kubectl upper-cases it.</param>
/// <param name="Type">OpenAPI type of the cells: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c> or <c>date</c>.</param>
/// <param name="Format">OpenAPI format hint; <c>name</c> marks the column holding the object's name.</param>
/// <param name="Description">What the column shows.</param>
/// <param name="Priority">0 for columns kubectl always prints; 1 for those it prints only with <c>-o wide</c>.</param>
public sealed record TableColumnDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("priority")] int Priority);
