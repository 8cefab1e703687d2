using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>
/// The console's forms without a browser, for the rules a browser test would only slow down: the
/// <c>jwt</c> cookie, the antiforgery cookie and a page's form token, sent as a browser sends them.
/// Redirects are not followed, so a test sees where one goes.
/// </summary>
internal sealed partial class FormClient(OrgKeysApp app, string jwt) : IDisposable
{
    private readonly HttpClient _http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
    private string? _antiforgery;

    public static async Task<FormClient> SignedInAsync(OrgKeysApp app, int userId) => new(app, await app.IssueSessionTokenAsync(userId));

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts <paramref name="fields"/> with the form token of the page at <paramref name="formPage"/>, as its form would.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string formPage, params (string Name, string Value)[] fields)
    {
        var token = TokenPattern().Match(await GetHtmlAsync(formPage)).Groups[1].Value;
        Assert.NotEmpty(token);
        return await PostWithoutTokenAsync(path, [.. fields, ("__RequestVerificationToken", WebUtility.HtmlDecode(token))]);
    }

    public async Task<HttpResponseMessage> PostWithoutTokenAsync(string path, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        return await SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Cookie", _antiforgery is null ? $"jwt={jwt}" : $"jwt={jwt}; {_antiforgery}");
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.FirstOrDefault(c => c.StartsWith("orgkeys-antiforgery=", StringComparison.Ordinal)) is { } cookie)
        {
            _antiforgery = cookie.Split(';')[0];
        }

        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _http.Dispose();
}
