namespace McpStack.Testing;

public static class RepoPaths
{
    /// <summary>The repository root: the folder holding McpStack.slnx above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Artifacts(params string[] parts)
    {
        var path = Path.Combine([Root, "artifacts", .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpStack.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("McpStack.slnx was not found above " + AppContext.BaseDirectory);
    }
}
