using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrgKeys.ApiKeys;
using OrgKeys.Authorization;
using OrgKeys.Infrastructure;

namespace OrgKeys.WhiteLabels;

/// <summary>
/// Minting a key for an inner organization (<c>whitelabelAdminAddOrganizationApiKey</c>): its rules once,
/// for the endpoint and the console page alike (the 60 s default, the operator's cap, the log line).
/// </summary>
public sealed partial class InnerOrganizationKeyMinting(ApiKeyService keys, IOptions<WhiteLabelOptions> options, ILoggerFactory loggers)
{
    public ApiKeyService Keys { get; } = keys;

    public IOptions<WhiteLabelOptions> Options { get; } = options;

    public ILoggerFactory Loggers { get; } = loggers;

    public async Task<Results<Ok<AddApiKeyResponse>, BadRequest<ApiError>, NotFound<ApiError>, Conflict<ApiError>, JsonHttpResult<ApiError>>> MintAsync(
        AddOrganizationApiKeyRequest request, InnerOrganizationAccess inner, CancellationToken cancellationToken)
    {
        var (newKey, error) = NewApiKey.From(request);
        if (newKey is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var maxTtl = Options.Value.MaxKeyTtlSeconds;
        if (request.Ttl > maxTtl)
        {
            return ApiResults.BadRequest($"'ttl' must be a whole number of seconds from 1 to {maxTtl} for a white label key.");
        }

        newKey = newKey with { Ttl = newKey.Ttl ?? TimeSpan.FromSeconds(WhiteLabelOptions.DefaultKeyTtlSeconds) };
        var created = await Keys.CreateAsync(inner.OrganizationId, newKey, inner.Actor, cancellationToken);
        var (outcome, id, secret) = created;
        if (outcome == CreateKeyOutcome.PolicyViolation)
        {
            return ApiResults.BadRequest(created.Error!);
        }

        if (outcome == CreateKeyOutcome.Conflict)
        {
            return ApiResults.Conflict(ApiKeyResults.InUse);
        }

        if (outcome == CreateKeyOutcome.ChainRevoked)
        {
            return ApiResults.Unauthorized(ApiKeyResults.ChainRevoked);
        }

        var logger = Loggers.CreateLogger(typeof(WhiteLabelEndpoints));
        LogKeyMinted(logger, id, inner.OrganizationId, inner.WhiteLabelId, inner.Actor.UserId, inner.Actor.ApiKeyId);
        return TypedResults.Ok(new AddApiKeyResponse(id, secret));
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "White label {WhiteLabelId} minted API key {ApiKeyId} for organization {OrganizationId} on behalf of user {UserId} / key {ByApiKeyId}")]
    private static partial void LogKeyMinted(ILogger logger, int apiKeyId, int organizationId, int whiteLabelId, int? userId, int? byApiKeyId);
}
