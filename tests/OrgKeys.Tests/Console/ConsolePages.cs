using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Console;

/// <summary>What the browser tests do on the console pages, said once.</summary>
internal static class ConsolePages
{
    /// <summary>WCAG 2.2 AA and axe's best practices.</summary>
    private static readonly AxeRunOptions Wcag22AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    };

    public static async Task SignInAsync(IPage page, string username, string password = OrgKeysApp.Password)
    {
        await page.GetByLabel("Username or e-mail").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static async Task<string?> JwtCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).FirstOrDefault(c => c.Name == "jwt")?.Value;

    /// <summary>Fails with every violation named, its rule, help and the elements it was found on.</summary>
    public static async Task AssertNoAxeViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe(Wcag22AA);
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, $"axe on {state}:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
        Assert.NotEmpty(result.Passes);
    }
}
