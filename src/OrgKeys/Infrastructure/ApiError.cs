using System.Text.Json.Serialization;

namespace OrgKeys.Infrastructure;

/// <summary>The contract's error shape: <c>{"success": false, "error": "…"}</c>.</summary>
public sealed record ApiError(string Error)
{
    [JsonPropertyOrder(-1)]
    public bool Success => false;
}

/// <summary>The contract's bare success shape: <c>{"success": true}</c>.</summary>
public sealed record ApiOk
{
    public static readonly ApiOk Instance = new();
    public bool Success => true;
}
