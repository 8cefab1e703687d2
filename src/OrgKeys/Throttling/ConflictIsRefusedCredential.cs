namespace OrgKeys.Throttling;

/// <summary>
/// A custom key that is already taken answers 409, which confirms that the guessed value is some
/// organization's key; so that answer counts as a refused credential for the caller's address,
/// and a guesser meets the flood guard as fast as with <c>x-api-key</c>.
/// </summary>
internal sealed class ConflictIsRefusedCredential(CredentialFloodGuard guard) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IStatusCodeHttpResult { StatusCode: StatusCodes.Status409Conflict })
        {
            guard.Refused(context.HttpContext.Connection.RemoteIpAddress);
        }

        return result;
    }
}

internal static class ConflictIsRefusedCredentialExtensions
{
    public static RouteHandlerBuilder CountsConflictAsRefusedCredential(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ConflictIsRefusedCredential>();
}
