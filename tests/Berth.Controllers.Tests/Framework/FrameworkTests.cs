using Berth.Controllers.Framework;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Berth.Controllers.Tests.Framework;

public sealed class IntOrPercentTests
{
    [Theory]
    [InlineData("25%", 10, true, 3)]
    [InlineData("25%", 10, false, 2)]
    [InlineData("1%", 2, true, 1)]
    [InlineData("1%", 2, false, 0)]
    [InlineData("100%", 7, false, 7)]
    [InlineData("3", 10, false, 3)]
    public void Scaled_RoundsPercentagesAsAsked(string value, int total, bool roundUp, int expected) =>
        Assert.Equal(expected, IntOrPercent.Scaled((IntOrString)value, total, roundUp));

    [Fact]
    public void Scaled_NullGivesFallback_GarbageThrows()
    {
        Assert.Equal(7, IntOrPercent.Scaled(null, 10, true, 7));
        Assert.Throws<FormatException>(() => IntOrPercent.Scaled((IntOrString)"x%", 10, true));
    }
}

public sealed class TemplateHashTests
{
    private static V1PodTemplateSpec Template(string image, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Labels = labels ?? new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] },
    };

    [Fact]
    public void Compute_SameTemplate_SameHashInTheSafeAlphabet_CollisionCountChangesIt()
    {
        var a = TemplateHash.Compute(Template("nginx:1"), null);
        Assert.Equal(a, TemplateHash.Compute(Template("nginx:1"), null));
        Assert.NotEqual(a, TemplateHash.Compute(Template("nginx:2"), null));
        Assert.NotEqual(a, TemplateHash.Compute(Template("nginx:1"), 1));
        Assert.All(a, ch => Assert.Contains(ch, "bcdfghjklmnpqrstvwxz2456789"));
    }

    [Fact]
    public void Compute_LabelOrderDoesNotMatter()
    {
        var x = Template("n", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        var y = Template("n", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });
        Assert.Equal(TemplateHash.Compute(x, null), TemplateHash.Compute(y, null));
    }

    [Fact]
    public void EqualIgnoreHash_IgnoresOnlyThePodTemplateHashLabel_AndEmptyVersusMissing()
    {
        var withHash = Template("n", new Dictionary<string, string> { ["app"] = "web", ["pod-template-hash"] = "abc" });
        Assert.True(TemplateHash.EqualIgnoreHash(withHash, Template("n")));
        Assert.False(TemplateHash.EqualIgnoreHash(Template("n"), Template("m")));
        var emptyEnv = Template("n");
        emptyEnv.Spec.Containers[0].Env = [];
        Assert.True(TemplateHash.EqualIgnoreHash(emptyEnv, Template("n")));
    }
}

public sealed class ControllerExpectationsTests
{
    [Fact]
    public void SatisfiedExpectations_WaitsForObservations_OrFiveMinutes()
    {
        var time = new FakeTimeProvider();
        var e = new ControllerExpectations(time);
        Assert.True(e.SatisfiedExpectations("ns/rs"));
        e.ExpectCreations("ns/rs", 2);
        Assert.False(e.SatisfiedExpectations("ns/rs"));
        e.CreationObserved("ns/rs");
        Assert.False(e.SatisfiedExpectations("ns/rs"));
        e.CreationObserved("ns/rs");
        Assert.True(e.SatisfiedExpectations("ns/rs"));

        e.ExpectDeletions("ns/rs", 1);
        Assert.False(e.SatisfiedExpectations("ns/rs"));
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.True(e.SatisfiedExpectations("ns/rs"));
    }

    [Fact]
    public void UidTracking_CountsEachDeletionOnce()
    {
        var e = new UidTrackingExpectations();
        e.ExpectDeletions("ns/rs", ["ns/a", "ns/b"]);
        e.DeletionObserved("ns/rs", "ns/a");
        e.DeletionObserved("ns/rs", "ns/a");
        e.DeletionObserved("ns/rs", "ns/unrelated");
        Assert.False(e.SatisfiedExpectations("ns/rs"));
        e.DeletionObserved("ns/rs", "ns/b");
        Assert.True(e.SatisfiedExpectations("ns/rs"));
    }
}

public sealed class SlowStartTests
{
    [Fact]
    public async Task BatchAsync_DoublesBatches_StopsAfterTheFirstFailingBatch()
    {
        var calls = 0;
        var (attempted, successes, error) = await SlowStart.BatchAsync(20, n =>
        {
            Interlocked.Increment(ref calls);
            return n == 4 ? Task.FromException(new InvalidOperationException("quota")) : Task.CompletedTask;
        });
        // Batches of 1, 2, 4: the third batch (calls 3-6) holds the failure, so 7 calls never happen.
        Assert.Equal(7, attempted);
        Assert.Equal(7, calls);
        Assert.Equal(6, successes);
        Assert.IsType<InvalidOperationException>(error);

        (attempted, successes, error) = await SlowStart.BatchAsync(5, _ => Task.CompletedTask);
        Assert.Equal((5, 5), (attempted, successes));
        Assert.Null(error);
    }
}
