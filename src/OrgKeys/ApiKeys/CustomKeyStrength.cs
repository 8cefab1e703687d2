namespace OrgKeys.ApiKeys;

/// <summary>
/// A custom key is a secret someone chose, so it must be as hard to guess as a generated one is
/// meant to be: at least 128 bits by a simple estimate.
/// </summary>
/// <remarks>
/// The estimate is the length after <c>ei_</c>, with runs of one repeated character counted once,
/// times log2 of the alphabet its character classes imply (lower-case 26, upper-case 26, digits 10,
/// symbols 32). It over-rates keys a person made up, but it refuses the obvious ones
/// (<c>ei_000…</c>, <c>ei_aaaa…</c>) that an attacker would try first.
/// </remarks>
public static class CustomKeyStrength
{
    public const int MinBits = 128;

    public static double EstimateBits(string key)
    {
        var body = key.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal) ? key[ApiKeyFormat.Prefix.Length..] : key;
        bool lower = false, upper = false, digit = false, symbol = false;
        var length = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            digit |= char.IsAsciiDigit(c);
            symbol |= !char.IsAsciiLetterOrDigit(c);
            length += i > 0 && body[i - 1] == c ? 0 : 1;
        }

        var alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 32 : 0);
        return alphabet < 2 ? 0 : length * Math.Log2(alphabet);
    }

    /// <summary>Why the custom key is too weak, or null.</summary>
    public static string? Refusal(string key) =>
        EstimateBits(key) >= MinBits
            ? null
            : $"'apiKey' is too easy to guess: a custom key needs at least {MinBits} bits of estimated entropy "
              + "(for example 32 random letters and digits after 'ei_'; repeated characters count once).";
}
