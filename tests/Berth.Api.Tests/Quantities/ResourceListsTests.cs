using Berth.Api.Quantities;
using k8s.Models;

namespace Berth.Api.Tests.Quantities;

public sealed class ResourceListsTests
{
    private static Dictionary<string, ResourceQuantity> L(params string[] pairs)
    {
        var r = ResourceLists.Empty();
        foreach (var p in pairs)
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            r[p[..eq]] = new ResourceQuantity(p[(eq + 1)..]);
        }
        return r;
    }

    [Theory]
    [InlineData("1Gi", "512Mi", "1536Mi")]
    [InlineData("250m", "250m", "500m")]
    [InlineData("1", "500m", "1500m")]
    [InlineData("19", "2", "21")]
    [InlineData("0", "512Mi", "512Mi")]
    [InlineData("100m", "900m", "1")]
    public void Add_Quantities_PrintsLikeKube(string a, string b, string expected) =>
        Assert.Equal(expected, ResourceLists.PrettyPrint(ResourceLists.Add(L("x=" + a), L("x=" + b)))[2..]);

    [Fact]
    public void Add_DisjointNames_KeepsBoth() =>
        Assert.Equal("cpu=1,memory=1Gi", ResourceLists.PrettyPrint(ResourceLists.Add(L("memory=1Gi"), L("cpu=1"))));

    [Fact]
    public void SubtractWithNonNegativeResult_Decrease_IsZeroAndNamesOnlyInRightAreZero()
    {
        var r = ResourceLists.SubtractWithNonNegativeResult(L("cpu=1", "memory=1Gi"), L("cpu=2", "memory=512Mi", "pods=1"));
        Assert.Equal("cpu=0,memory=512Mi,pods=0", ResourceLists.PrettyPrint(r));
    }

    [Fact]
    public void LessThanOrEqual_SomeOverLimit_ReturnsThoseNamesSorted()
    {
        var (ok, exceeded) = ResourceLists.LessThanOrEqual(L("requests.cpu=21", "pods=3", "memory=1Gi"), L("requests.cpu=20", "pods=2", "memory=2Gi", "other=1"));
        Assert.False(ok);
        Assert.Equal(["pods", "requests.cpu"], exceeded);
    }

    [Fact]
    public void Equal_SameValuesDifferentSpelling_IsEqual()
    {
        Assert.True(ResourceLists.Equal(L("cpu=1000m", "memory=1024Mi"), L("cpu=1", "memory=1Gi")));
        Assert.False(ResourceLists.Equal(L("cpu=1"), L("cpu=1", "memory=0")));
    }

    [Fact]
    public void Mask_KeepsOnlyNamedEntries() =>
        Assert.Equal("cpu=1", ResourceLists.PrettyPrint(ResourceLists.Mask(L("cpu=1", "memory=1Gi"), ["cpu", "pods"])));

    [Fact]
    public void RemoveZeros_DropsZeroEntries() =>
        Assert.Equal("cpu=1", ResourceLists.PrettyPrint(ResourceLists.RemoveZeros(L("cpu=1", "memory=0"))));

    [Theory]
    [InlineData("0.5m", 1)]
    [InlineData("1", 1000)]
    [InlineData("1n", 1)]
    [InlineData("2500u", 3)]
    public void MilliValue_Fractions_RoundUpAwayFromZero(string q, long expected) =>
        Assert.Equal(expected, new ResourceQuantity(q).MilliValue());

    [Fact]
    public void Format_NegativeValue_PrintsWithSign() =>
        Assert.Equal("-1500m", QuantityMath.Format(QuantityMath.Subtract(new ResourceQuantity("500m"), new ResourceQuantity("2"))));

    [Fact]
    public void FromJson_StringsAndNumbers_SkipsInvalid()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{"pods":10,"cpu":"1.5","bad":"abc","memory":"1Gi"}""");
        Assert.Equal("cpu=1500m,memory=1Gi,pods=10", ResourceLists.PrettyPrint(ResourceLists.FromJson(node)));
        Assert.Equal("""{"cpu":"1500m","memory":"1Gi","pods":"10"}""", ResourceLists.ToJson(ResourceLists.FromJson(node)).ToJsonString());
    }
}
