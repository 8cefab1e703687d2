using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using OrgKeys.Audit;
using OrgKeys.Infrastructure;
using OrgKeys.Throttling;

namespace OrgKeys.SecretScanning;

/// <summary>
/// Leaked keys (OrgKeys extensions): GitHub's secret scanning partner endpoint, and disclosure by
/// anyone, as PyPI takes it: holding a key is proof enough to have it revoked.
/// </summary>
public static class SecretScanningEndpoints
{
    private const string Extension = "OrgKeys extension: not part of the Edge Impulse API.";
    private const long MaxReportBytes = 1024 * 1024;
    public const string GitHubReporter = "secret scanning: github";
    public const string DisclosureReporter = "disclosure";
    public const int MaxDisclosedKeys = 100;

    /// <param name="v1">The <c>/v1</c> group.</param>
    public static RouteGroupBuilder MapSecretScanning(this RouteGroupBuilder v1)
    {
        v1.MapPost("/secret-scanning/github", ReportFromGitHub).AllowAnonymous()
            .WithTags("Leaked keys").WithName("githubSecretScanning").WithSummary("GitHub secret scanning report")
            .WithDescription($"GitHub's secret scanning partner protocol: a signed JSON array of tokens found in public. {Extension}")
            .Accepts<List<GitHubTokenReport>>("application/json");
        v1.MapPost("/leaked-keys", DiscloseLeakedKeys).AllowAnonymous()
            .WithTags("Leaked keys").WithName("discloseLeakedKeys").WithSummary("Report leaked API keys")
            .WithDescription($"Anyone holding a key may report it leaked; the answer is the same whatever the keys were. {Extension}");
        return v1;
    }

    /// <summary>The signature is checked over the raw bytes before anything is parsed; unsigned or badly signed changes nothing.</summary>
    public static async Task<Results<Ok<List<GitHubTokenFeedback>>, JsonHttpResult<ApiError>, BadRequest<ApiError>>> ReportFromGitHub(
        HttpContext http, GitHubPublicKeys githubKeys, KeyExposures exposures, CancellationToken cancellationToken)
    {
        // A batch of a thousand tokens is larger than the 64 KiB other requests may be.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxReportBytes;
        }

        string? keyId = http.Request.Headers["Github-Public-Key-Identifier"];
        string? signature = http.Request.Headers["Github-Public-Key-Signature"];
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, cancellationToken);
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(signature) || keyId.Length > 256
            || !await githubKeys.VerifyAsync(keyId, signature, body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken))
        {
            return ApiResults.Unauthorized("A valid GitHub secret scanning signature is required.");
        }

        List<GitHubTokenReport>? tokens;
        try
        {
            tokens = JsonSerializer.Deserialize<List<GitHubTokenReport>>(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (JsonException)
        {
            tokens = null;
        }

        if (tokens is null || tokens.Any(t => t?.Token is null))
        {
            return ApiResults.BadRequest("The body must be a JSON array of {token, type, url, source}.");
        }

        var reports = tokens.ConvertAll(t => new ExposureReport(t.Token!, ReportText.Source("github", t.Source), ReportText.Url(t.Url)));
        var ours = await exposures.HandleAsync(reports, Actor.Service(GitHubReporter), cancellationToken);
        return TypedResults.Ok(tokens.Select((t, i) => new GitHubTokenFeedback(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(t.Token!))), t.Type ?? "", ours[i] ? "true_positive" : "false_positive")).ToList());
    }

    /// <summary>Always <c>{success: true}</c> for well-formed input, so the answer tells nothing about the keys.</summary>
    public static async Task<Results<Ok<ApiOk>, BadRequest<ApiError>, JsonHttpResult<ApiError>>> DiscloseLeakedKeys(
        LeakedKeysRequest request, HttpContext http, DisclosureThrottle throttle, KeyExposures exposures, CancellationToken cancellationToken)
    {
        if (!throttle.TryAcquire(http.Connection.RemoteIpAddress, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiResults.Status(StatusCodes.Status429TooManyRequests, "Too many reports from your address; try again later.");
        }

        var error = request.Keys is not { Count: >= 1 and <= MaxDisclosedKeys } ? $"'keys' must hold 1 to {MaxDisclosedKeys} keys."
            : request.Keys.Any(k => k is null or { Length: 0 or > 1024 }) ? "Each of 'keys' must be a non-empty string of at most 1024 characters."
            : request.Url is not null && ReportText.Url(request.Url) is null ? $"'url' must be an absolute http or https URL of at most {ReportText.MaxUrlLength} characters."
            : request.Source is { Length: > ReportText.MaxSourceLength } ? $"'source' must be at most {ReportText.MaxSourceLength} characters."
            : null;
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }

        var source = ReportText.Source(DisclosureReporter, request.Source);
        var reports = request.Keys!.Distinct(StringComparer.Ordinal).Select(k => new ExposureReport(k!, source, request.Url)).ToList();
        await exposures.HandleAsync(reports, Actor.Service(DisclosureReporter), cancellationToken);
        return ApiResults.Ok();
    }
}
