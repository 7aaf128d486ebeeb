using Berth.Api.Kinds;
using k8s.Models;
using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class CustomResourcePrinterTests
{
    private static ResourceInfo Crd(params V1CustomResourceColumnDefinition[] columns) => new()
    {
        Group = "example.com",
        Version = "v1",
        Resource = "widgets",
        Kind = "Widget",
        Namespaced = true,
        CustomResourceDefinition = "widgets.example.com",
        PrinterColumns = columns,
    };

    private static V1CustomResourceColumnDefinition Col(string name, string type, string path, int? priority = null, string? description = null, string? format = null) =>
        new() { Name = name, Type = type, JsonPath = path, Priority = priority, Description = description, Format = format };

    private static readonly string Widget = $$"""
        {"apiVersion":"example.com/v1","kind":"Widget",
         "metadata":{"name":"w1","creationTimestamp":"{{Ago(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(3))}}","labels":{"tier":"gold","app":"shop"} },
         "spec":{"replicas":3,"ratio":0.25,"big":1234567.5,"enabled":true,"hosts":["a","b"],"size":"10Gi"},
         "status":{"conditions":[{"type":"Synced","status":"True"},{"type":"Ready","status":"False","lastTransitionTime":"{{Ago(TimeSpan.FromMinutes(4))}}"}]} }
        """;

    [Fact]
    public void Columns_NoPrinterColumns_AreNameAndAge()
    {
        var info = Crd();
        var columns = Convertor().Columns(info);
        Assert.Equal(["Name", "Age"], columns.Select(c => c.Name));
        Assert.Equal("date", columns[1].Type);
        Assert.Equal<object?>(["w1", "5h3m"], Cells(info, Widget));
    }

    [Fact]
    public void Row_PrinterColumns_EvaluateJsonPathsByType()
    {
        var info = Crd(
            Col("Replicas", "integer", ".spec.replicas"),
            Col("Ready", "string", """.status.conditions[?(@.type=="Ready")].status"""),
            Col("Ratio", "number", ".spec.ratio", priority: 1),
            Col("Enabled", "boolean", ".spec.enabled"),
            Col("Hosts", "string", ".spec.hosts"),
            Col("Labels", "string", ".metadata.labels"),
            Col("Changed", "date", ".status.conditions[?(@.type=='Ready')].lastTransitionTime"),
            Col("Missing", "string", ".spec.nothing.here"),
            Col("Big", "string", ".spec.big"),
            Col("First", "string", ".spec.hosts[0]"),
            Col("Last", "string", ".spec.hosts[-1]"),
            Col("Age", "date", ".metadata.creationTimestamp"));
        var cells = Cells(info, Widget);
        Assert.Equal<object?>(
            ["w1", 3L, "False", 0.25, true, """["a","b"]""", """{"app":"shop","tier":"gold"}""", "4m", null, "1.2345675e+06", "a", "b", "5h3m"],
            cells);
    }

    [Fact]
    public void Columns_PrinterColumns_CarryTypeFormatPriorityAndDescription()
    {
        var info = Crd(
            Col("Replicas", "integer", ".spec.replicas", format: "int32"),
            Col("Size", "string", ".spec.size", priority: 1, description: "Requested size"));
        var columns = Convertor().Columns(info);
        Assert.Equal(new Berth.ApiServer.Tables.TableColumnDefinition("Replicas", "integer", "int32",
            "Custom resource definition column (in JSONPath format): .spec.replicas", 0), columns[1]);
        Assert.Equal(new Berth.ApiServer.Tables.TableColumnDefinition("Size", "string", "", "Requested size", 1), columns[2]);
    }

    [Fact]
    public void Row_ValueOfWrongType_IsNull()
    {
        var info = Crd(Col("Replicas", "integer", ".spec.size"), Col("When", "date", ".spec.size"), Col("On", "boolean", ".spec.replicas"));
        Assert.Equal<object?>(["w1", null, "<invalid>", null], Cells(info, Widget));
    }

    [Fact]
    public void Columns_UnparsablePath_StopsAtThatColumn()
    {
        var info = Crd(Col("Replicas", "integer", ".spec.replicas"), Col("Bad", "string", ".spec[?(@.x =~ /y/)]"), Col("After", "string", ".spec.size"));
        Assert.Equal(["Name", "Replicas"], Convertor().Columns(info).Select(c => c.Name));
    }

    [Fact]
    public void Row_WildcardAndFilterWithoutMatch_UseFirstMatchOrNull()
    {
        var info = Crd(
            Col("AnyType", "string", ".status.conditions[*].type"),
            Col("Absent", "string", """.status.conditions[?(@.type=="Missing")].status"""),
            Col("WithLast", "string", ".status.conditions[?(@.lastTransitionTime)].type"));
        Assert.Equal<object?>(["w1", "Synced", null, "Ready"], Cells(info, Widget));
    }
}
