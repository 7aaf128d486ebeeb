using Berth.ApiServer.Tables;

namespace Berth.ApiServer.Tests.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(182, "3m2s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(179 * 60 + 59, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 3 * 60, "5h3m")]
    [InlineData(20 * 3600, "20h")]
    [InlineData(47 * 3600 + 59 * 60, "47h")]
    [InlineData(2 * 86400 + 3 * 3600, "2d3h")]
    [InlineData(7 * 86400, "7d")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(733 * 86400, "2y3d")]
    [InlineData(3 * 365 * 86400, "3y")]
    [InlineData(9 * 365 * 86400 + 100 * 86400, "9y")]
    [InlineData(-1, "0s")]
    [InlineData(-3, "<invalid>")]
    public void Format_Seconds_MatchesKubernetes(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Format_SlightlyInFuture_ReadsZero() =>
        Assert.Equal("0s", HumanDuration.Format(TimeSpan.FromMilliseconds(-1500)));
}
