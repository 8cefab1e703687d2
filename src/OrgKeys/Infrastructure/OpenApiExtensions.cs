using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using OrgKeys.Authentication;
using OrgKeys.OAuth;
using Scalar.AspNetCore;

namespace OrgKeys.Infrastructure;

/// <summary>Our own OpenAPI document at <c>/v1/openapi.json</c>, with the contract's security schemes and operationIds.</summary>
internal static class OpenApiExtensions
{
    /// <summary>The seed's words for its three scopes; the others say what they allow.</summary>
    private static readonly Dictionary<string, string> SeedScopes = new(StringComparer.Ordinal)
    {
        ["openid"] = "Access to basic profile information",
        ["email"] = "Access to email address",
        ["profile"] = "Access to full profile information",
    };

    public static IServiceCollection AddOrgKeysOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.AddDocumentTransformer<OpenApiServers>();
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OrgKeys (Edge Impulse API: organizations, API keys and sign-in)",
                    Version = "1.0.0",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [AuthSchemes.ApiKey] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = AuthSchemes.ApiKeyHeader },
                    [AuthSchemes.JwtCookie] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = AuthSchemes.JwtCookieName },
                    [AuthSchemes.JwtHeader] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = AuthSchemes.JwtHeaderName },
                    ["OAuth2"] = OAuth2Scheme(),
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Every endpoint that needs a credential lists the contract's schemes; OAuth2 with the scope it needs, where a token may go.
                var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
                var authorized = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any();
                if (authorized && !anonymous)
                {
                    operation.Security = [.. new[] { AuthSchemes.ApiKey, AuthSchemes.JwtCookie, AuthSchemes.JwtHeader }
                        .Select(name => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, context.Document)] = [] })];
                    var pattern = "/" + context.Description.RelativePath?.TrimEnd('/');
                    if (Scopes.Required(context.Description.HttpMethod ?? "GET", pattern) is { } scope)
                    {
                        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("OAuth2", context.Document)] = [scope] });
                    }
                }

                // Any status an operation does not list (401 from authentication, 403, 413, 415, 429 …)
                // still has the contract's error shape, so a contract check validates error bodies too.
                operation.Responses ??= [];
                operation.Responses["default"] = new OpenApiResponse
                {
                    Description = "Error: {success: false, error}.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ApiError), context.Document) },
                    },
                };
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapOrgKeysOpenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi("/v1/openapi.json").AllowAnonymous();
        routes.MapScalarApiReference("/v1/docs", ConfigureReference).AllowAnonymous();
        return routes;
    }

    /// <summary>
    /// The reference must work air-gapped and send no operator's browser elsewhere: Scalar's script
    /// is served from this assembly, and its CDN fonts, AI agent, MCP, telemetry and the developer
    /// toolbar (deploy, SDK generation, registry sharing) are all turned off, and so is the "Open API
    /// Client" button, a link to client.scalar.com carrying this server's document URL.
    /// </summary>
    internal static void ConfigureReference(ScalarOptions options) => options
        .WithOpenApiRoutePattern("/v1/openapi.json")
        .DisableDefaultFonts()
        .DisableAgent()
        .DisableMcp()
        .DisableTelemetry()
        .HideDeveloperTools()
        .HideClientButton();

    private static OpenApiSecurityScheme OAuth2Scheme()
    {
        var scopes = Scopes.Descriptions.ToDictionary(s => s.Key, s => SeedScopes.GetValueOrDefault(s.Key, s.Value), StringComparer.Ordinal);
        return new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Flows = new OpenApiOAuthFlows
            {
                AuthorizationCode = new OpenApiOAuthFlow { AuthorizationUrl = new Uri("/v1/oauth/authorize", UriKind.Relative), TokenUrl = new Uri("/v1/oauth/token", UriKind.Relative), Scopes = scopes },
                Implicit = new OpenApiOAuthFlow { AuthorizationUrl = new Uri("/v1/oauth/authorize", UriKind.Relative), Scopes = scopes },
                Password = new OpenApiOAuthFlow { TokenUrl = new Uri("/v1/oauth/token", UriKind.Relative), Scopes = scopes },
                ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri("/v1/oauth/token", UriKind.Relative), Scopes = scopes },
            },
        };
    }
}
