using Berth.ApiServer.OpenApi;
using k8s.Models;

namespace Berth.ApiServer.Tests.OpenApi;

public sealed class ModelDocsTests
{
    [Fact]
    public void Parse_WrappedSummaryWithBlankLine_JoinsLinesAndKeepsParagraphs()
    {
        const string text = """

            #M:V1Thing
                        The first line
                        continues here.

                        Second paragraph.
                        
            #M:V1Thing.Name
                        Name of the thing.
            #M:V1Empty
                        
            """;

        var docs = ModelDocs.Parse(new StringReader(text));

        Assert.Equal("The first line continues here.\n\nSecond paragraph.", docs["V1Thing"]);
        Assert.Equal("Name of the thing.", docs["V1Thing.Name"]);
        Assert.False(docs.ContainsKey("V1Empty"));
    }

    [Fact]
    public void ForProperty_EmbeddedResource_HasKubernetesDescriptions()
    {
        Assert.True(ModelDocs.Count > 3000, "model docs missing: " + ModelDocs.Count);
        Assert.Equal("ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ModelDocs.ForType(typeof(V1ObjectMeta)));
        Assert.StartsWith("CreationTimestamp is a timestamp representing the server time when this object was created.",
            ModelDocs.ForProperty(typeof(V1ObjectMeta), nameof(V1ObjectMeta.CreationTimestamp)));
        Assert.Contains("in UTC.\n\nPopulated by the system.", ModelDocs.ForProperty(typeof(V1ObjectMeta), nameof(V1ObjectMeta.CreationTimestamp)));
    }
}
