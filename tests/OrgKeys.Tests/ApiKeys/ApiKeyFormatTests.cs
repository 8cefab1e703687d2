using System.Text.RegularExpressions;
using OrgKeys.ApiKeys;

namespace OrgKeys.Tests.ApiKeys;

public class ApiKeyFormatTests
{
    [Fact]
    public void Generated_MatchesDocumentedPattern_AndPassesItsChecksum()
    {
        for (var i = 0; i < 100; i++)
        {
            var key = ApiKeyFormat.Generate();
            Assert.Matches(new Regex("^ei_[0-9a-f]{64}$"), key);
            Assert.True(ApiKeyFormat.IsPlausible(key));
            Assert.Null(ApiKeyFormat.ValidateCustom(key));
        }
    }

    [Fact]
    public void Generated_AreUnique()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate()).ToHashSet();
        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void MistypedGeneratedKey_FailsItsChecksum()
    {
        var key = ApiKeyFormat.Generate();
        var flipped = key[..10] + (key[10] == 'a' ? 'b' : 'a') + key[11..];
        Assert.False(ApiKeyFormat.IsPlausible(flipped));
        Assert.NotNull(ApiKeyFormat.ValidateCustom(flipped));
    }

    [Theory]
    [InlineData("ei_short")]
    [InlineData("xx_0123456789abcdef0123456789abcdef")]
    [InlineData("ei_0123456789abcdef 0123456789abcdef")]
    [InlineData("ei_0123456789abcdef\t0123456789abcdef")]
    [InlineData("ei_0123456789abcdefé0123456789abcdef")]
    public void CustomKey_OutsideTheRules_IsRefused(string key)
    {
        Assert.NotNull(ApiKeyFormat.ValidateCustom(key));
        Assert.False(ApiKeyFormat.IsPlausible(key));
    }

    [Fact]
    public void CustomKey_LongerThan255_IsRefused() =>
        Assert.NotNull(ApiKeyFormat.ValidateCustom("ei_" + new string('x', 253)));

    [Theory]
    [InlineData("ei_0123456789abcdef0123456789abcdef")]
    [InlineData("ei_My-Own.Key_with~punctuation!#$%&*+/=?^")]
    public void CustomKey_WithinTheRules_IsAccepted(string key)
    {
        Assert.Null(ApiKeyFormat.ValidateCustom(key));
        Assert.True(ApiKeyFormat.IsPlausible(key));
    }

    [Fact]
    public void Mask_ShowsPrefixAndLastFour_NeverTheSecret()
    {
        var key = ApiKeyFormat.Generate();
        var mask = ApiKeyFormat.Mask(key);
        Assert.Equal($"{key[..7]}…{key[^4..]}", mask);
        Assert.DoesNotContain(key[7..^4], mask, StringComparison.Ordinal);
    }
}
