using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrgKeys.Tests.Infrastructure;

namespace OrgKeys.Tests.Architecture;

/// <summary>
/// Issue 13's shape rules, checked on every build: a handler takes at most five parameters (more go in
/// an <c>[AsParameters]</c> record or a service), and an endpoint class is called only from its own folder
/// (features share services, never each other's endpoints).
/// </summary>
public sealed partial class EndpointShapeTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const int MaxParameters = 5;

    [Fact]
    public void EveryHandler_TakesAtMostFiveParameters()
    {
        var handlers = shared.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.Metadata.GetMetadata<MethodInfo>())
            .OfType<MethodInfo>()
            .Where(m => m.DeclaringType?.Assembly == typeof(Program).Assembly)
            .Distinct()
            .ToList();

        Assert.NotEmpty(handlers);
        Assert.Empty(handlers.Where(m => m.GetParameters().Length > MaxParameters)
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}: {m.GetParameters().Length} parameters"));
    }

    [Fact]
    public void EndpointClasses_AreCalledOnlyFromTheirOwnFolder()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "OrgKeys");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var home = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (Match declared in EndpointClass().Matches(File.ReadAllText(file)))
            {
                home[declared.Groups[1].Value] = Path.GetDirectoryName(file)!;
            }
        }

        Assert.NotEmpty(home);
        var crossings = files.SelectMany(file => EndpointUse().Matches(File.ReadAllText(file))
            .Select(use => use.Groups[1].Value)
            .Where(name => home.TryGetValue(name, out var folder) && folder != Path.GetDirectoryName(file))
            .Select(name => $"{Path.GetRelativePath(source, file)} calls {name}"))
            .Distinct();
        Assert.Empty(crossings);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OrgKeys.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("OrgKeys.slnx not found above the test assembly.");
    }

    [GeneratedRegex(@"\bclass\s+(\w+Endpoints?)\b")]
    private static partial Regex EndpointClass();

    [GeneratedRegex(@"\b(\w+Endpoints?)\.[A-Z]\w*")]
    private static partial Regex EndpointUse();
}
