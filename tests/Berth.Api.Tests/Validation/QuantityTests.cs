using Berth.Api.Validation;
using CsCheck;

namespace Berth.Api.Tests.Validation;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("1000m", "1")]
    [InlineData("0.5", "500m")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("512Mi", "512Mi")]
    [InlineData("0.1Ki", "102400m")]
    [InlineData("100u", "100u")]
    [InlineData("0.0001", "100u")]
    [InlineData("0.0000000001", "1n")]
    [InlineData("-1", "-1")]
    [InlineData("-1500m", "-1500m")]
    [InlineData("2000", "2k")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E6", "1E6")] // already canonical, so Go keeps the text
    [InlineData("12e2", "1200")]
    [InlineData("1000000000000000000000", "1e21")]
    [InlineData("0", "0")]
    [InlineData("0Gi", "0")]
    [InlineData(" 5 ", "5")]
    public void ToString_ParsedQuantity_IsKubesCanonicalForm(string input, string canonical)
    {
        Assert.True(Quantity.TryParse(input, out var q, out var error), error);
        Assert.Equal(canonical, q.ToString());
    }

    [Theory]
    [InlineData("abc", Quantity.FormatError)]
    [InlineData("", Quantity.FormatError)]
    [InlineData("1Zi", Quantity.FormatError)]
    [InlineData("1Kib", Quantity.FormatError)]
    [InlineData("1.2.3", Quantity.FormatError)]
    [InlineData("1k1", Quantity.SuffixError)]
    public void TryParse_Malformed_FailsWithKubeMessage(string input, string error)
    {
        Assert.False(Quantity.TryParse(input, out _, out var actual));
        Assert.Equal(error, actual);
    }

    [Fact]
    public void CompareTo_DifferentNotations_ComparesValues()
    {
        Assert.Equal(0, Quantity.Parse("1").CompareTo(Quantity.Parse("1000m")));
        Assert.True(Quantity.Parse("1Gi") > Quantity.Parse("1G"));
        Assert.True(Quantity.Parse("500m") < Quantity.Parse("0.6"));
        Assert.Equal("1m", Quantity.Parse("0.0001").RoundUpToMilli().ToString());
        Assert.Equal(1500, Quantity.Parse("1.5").MilliValue());
        Assert.Equal(2, Quantity.Parse("1.5").Value());
    }

    [Fact]
    public void ToString_ThenParse_RoundTripsTheValue()
    {
        var suffixes = new[] { "", "m", "k", "M", "G", "Ki", "Mi", "Gi", "n", "u", "e3" };
        Gen.Select(Gen.Long[-1_000_000_000_000, 1_000_000_000_000], Gen.Int[0, suffixes.Length - 1], Gen.Int[0, 3])
            .Sample((n, s, decimals) =>
            {
                var text = decimals == 0 ? n.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : (n / Math.Pow(10, decimals)).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);
                var q = Quantity.Parse(text + suffixes[s]);
                var again = Quantity.Parse(q.ToString());
                return again.CompareTo(q) == 0 && again.ToString() == q.ToString();
            });
    }
}
