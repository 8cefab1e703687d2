using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrgKeys.Infrastructure;

/// <summary>
/// The document's <c>servers</c> URL is <c>OrgKeys:Issuer</c> when set, else the relative <c>/</c>;
/// never the request's <c>Host</c> header, which any client sets, so a cached or shared copy of the
/// document cannot point its readers (and their credentials) at another server.
/// </summary>
internal sealed class OpenApiServers(IConfiguration configuration) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var issuer = configuration["OrgKeys:Issuer"];
        var url = Uri.TryCreate(issuer, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http"
            ? absolute.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : "/";
        document.Servers = [new OpenApiServer { Url = url }];
        return Task.CompletedTask;
    }
}
