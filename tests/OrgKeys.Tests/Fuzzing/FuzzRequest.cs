using System.Text;
using System.Text.Json;

namespace OrgKeys.Tests.Fuzzing;

/// <summary>
/// A generated request, kept symbolic: references to the world (a valid key, a real organization id)
/// are resolved when the request is sent, so the same sample means the same thing after the world
/// is rebuilt, and the printed sample is short enough to read.
/// </summary>
public sealed record FuzzRequest(
    PathValue[] Path,
    QueryPair[] Query,
    Credential ApiKey,
    Credential JwtHeader,
    Credential JwtCookie,
    string? Authorization,
    FuzzBody Body)
{
    public override string ToString() =>
        $"path [{string.Join(", ", Path.AsEnumerable())}] query [{string.Join("&", Query.AsEnumerable())}] " +
        $"x-api-key {ApiKey} x-jwt-token {JwtHeader} cookie {JwtCookie} authorization {Fuzz.Short(Authorization)} body {Body}";
}

/// <summary>A route value: the world's id at <see cref="Slot"/> for that parameter, or a literal.</summary>
public sealed record PathValue(int Slot, string? Literal)
{
    public override string ToString() => Literal is null ? $"world#{Slot}" : $"'{Fuzz.Short(Literal)}'";
}

public sealed record QueryPair(string Name, string Value)
{
    public override string ToString() => $"{Name}={Fuzz.Short(Value)}";
}

public enum CredentialKind
{
    Absent,
    Valid,
    Ended, // revoked key, or a JWT whose session was ended by logout
    WellFormedUnknown, // a key with a valid checksum, or a JWT signed with another key
    Tampered, // a valid one with one character changed
    AlgNone, // a JWT with alg none and the valid claims
    Empty,
    Twice, // the header sent twice
    Garbage,
}

public sealed record Credential(CredentialKind Kind, int Slot, string Garbage)
{
    public static readonly Credential None = new(CredentialKind.Absent, 0, "");

    public override string ToString() => Kind switch
    {
        CredentialKind.Absent => "-",
        CredentialKind.Garbage => $"garbage '{Fuzz.Short(Garbage)}'",
        _ => $"{Kind}#{Slot}",
    };
}

/// <summary>A JSON value whose strings and numbers may name things of the world.</summary>
public abstract record JsonValue
{
    public abstract void Write(StringBuilder json, FuzzWorld world);
}

/// <summary>Written as is: numbers, literals, and deliberately broken text.</summary>
public sealed record JsonRaw(string Text) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world) => json.Append(Text);
    public override string ToString() => Fuzz.Short(Text);
}

public sealed record JsonText(string Value) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world) => json.Append(JsonSerializer.Serialize(Value));
    public override string ToString() => $"\"{Fuzz.Short(Value)}\"";
}

/// <summary>A string the world knows: a username, an e-mail, the password, a key, a role.</summary>
public sealed record JsonWorldString(int Slot) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world) => json.Append(JsonSerializer.Serialize(world.Text(Slot)));
    public override string ToString() => $"worldString#{Slot}";
}

/// <summary>An id the world knows: a user, an organization, a key.</summary>
public sealed record JsonWorldId(int Slot) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world) => json.Append(world.Id(Slot));
    public override string ToString() => $"worldId#{Slot}";
}

public sealed record JsonList(JsonValue[] Items) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world)
    {
        json.Append('[');
        for (var i = 0; i < Items.Length; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            Items[i].Write(json, world);
        }

        json.Append(']');
    }

    public override string ToString() => $"[{string.Join(",", Items.AsEnumerable())}]";
}

public sealed record JsonMap((string Name, JsonValue Value)[] Members) : JsonValue
{
    public override void Write(StringBuilder json, FuzzWorld world)
    {
        json.Append('{');
        for (var i = 0; i < Members.Length; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(JsonSerializer.Serialize(Members[i].Name)).Append(':');
            Members[i].Value.Write(json, world);
        }

        json.Append('}');
    }

    public override string ToString() => $"{{{string.Join(",", Members.Select(m => $"{Fuzz.Short(m.Name)}:{m.Value}"))}}}";
}

public enum BodyKind
{
    None,
    Json, // the value as JSON text
    Truncated, // the JSON text cut short
    InvalidUtf8, // the JSON text with bytes that are not UTF-8 spliced in
    Bytes, // random bytes
}

public sealed record FuzzBody(BodyKind Kind, JsonValue? Value, byte[] Bytes, int Cut, string? ContentType)
{
    public static readonly FuzzBody None = new(BodyKind.None, null, [], 0, null);

    public byte[]? Render(FuzzWorld world)
    {
        if (Kind == BodyKind.None)
        {
            return null;
        }

        if (Kind == BodyKind.Bytes)
        {
            return Bytes;
        }

        var json = new StringBuilder();
        Value!.Write(json, world);
        var utf8 = Encoding.UTF8.GetBytes(json.ToString());
        return Kind switch
        {
            BodyKind.Truncated => utf8[..(Cut % (utf8.Length + 1))],
            BodyKind.InvalidUtf8 => [.. utf8[..(Cut % (utf8.Length + 1))], .. Bytes, .. utf8[(Cut % (utf8.Length + 1))..]],
            _ => utf8,
        };
    }

    public override string ToString() => Kind switch
    {
        BodyKind.None => "-",
        BodyKind.Bytes => $"{Bytes.Length} bytes ({ContentType})",
        _ => $"{Kind} {Value} ({ContentType})",
    };
}

internal static class Fuzz
{
    public static string Short(string? value) => value switch
    {
        null => "null",
        { Length: > 60 } => $"{value[..40]}…({value.Length} chars)",
        _ => value,
    };
}
