using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace OrgKeys.Infrastructure;

/// <summary>
/// A 200 whose <typeparamref name="T"/> body was serialized once, for an immutable view read far more often
/// than it changes (a cached organization); made by <see cref="SerializedOk.Of"/>. Described in the OpenAPI
/// document as <c>Ok&lt;T&gt;</c> is.
/// </summary>
public sealed class SerializedOk<T> : IResult, IEndpointMetadataProvider
{
    private readonly byte[] _body;

    internal SerializedOk(byte[] body) => _body = body;

    public Task ExecuteAsync(HttpContext httpContext) => ApiResults.WriteAsync(httpContext, StatusCodes.Status200OK, _body);

    [SuppressMessage("Design", "CA1000", Justification = "IEndpointMetadataProvider's member is static by definition.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

public static class SerializedOk
{
    /// <summary>
    /// The body <paramref name="response"/> makes of <paramref name="view"/>, serialized by the API's JSON options
    /// on first use. The bytes live as long as the view object: a change, which replaces the view, replaces them.
    /// </summary>
    public static SerializedOk<T> Of<T, TView>(TView view, Func<TView, T> response, IOptions<JsonOptions> options)
        where TView : class
    {
        var bodies = Bodies<T>.Table;
        if (!bodies.TryGetValue(view, out var body))
        {
            body = JsonSerializer.SerializeToUtf8Bytes(response(view), options.Value.SerializerOptions);
            bodies.AddOrUpdate(view, body);
        }

        return new SerializedOk<T>(body);
    }

    private static class Bodies<T>
    {
        public static readonly ConditionalWeakTable<object, byte[]> Table = [];
    }
}
