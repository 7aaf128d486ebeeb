using Berth.ApiServer.Tables;

namespace Berth.ApiServer.Tests.Tables;

public sealed class TableOptionsTests
{
    [Theory]
    [InlineData(null, IncludeObject.Metadata)]
    [InlineData("", IncludeObject.Metadata)]
    [InlineData("Metadata", IncludeObject.Metadata)]
    [InlineData("None", IncludeObject.None)]
    [InlineData("Object", IncludeObject.Object)]
    public void ParseIncludeObject_KnownValues_Parse(string? value, IncludeObject expected) =>
        Assert.Equal(expected, TableOptions.ParseIncludeObject(value));

    [Fact]
    public void ParseIncludeObject_Unknown_IsBadRequestWithKubeMessage()
    {
        var e = Assert.Throws<Berth.Api.Errors.StatusException>(() => TableOptions.ParseIncludeObject("metadata"));
        Assert.Equal(400, e.Code);
        Assert.Equal(
            "Unable to convert to Table as requested: includeObject: Invalid value: \"metadata\": must be 'Metadata', 'Object', 'None', or empty",
            e.Status.Message);
    }
}
