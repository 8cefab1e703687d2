namespace OrgKeys.Data;

/// <summary>The one folder everything the service writes lives in (<c>OrgKeys:DataDirectory</c>).</summary>
public sealed class DataDirectory
{
    public DataDirectory(IConfiguration configuration)
    {
        Path = System.IO.Path.GetFullPath(configuration["OrgKeys:DataDirectory"] ?? "data");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);
}
