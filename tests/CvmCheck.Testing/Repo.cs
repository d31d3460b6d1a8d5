namespace CvmCheck.Testing;

/// <summary>Paths inside this repository, found from the test's working directory, so tests never
/// depend on anything outside the clone (no ../shared at run time).</summary>
public static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Fixture(params string[] parts) => Path.Combine([Root, "fixtures", .. parts]);

    public static string Snapshot(string name) => Fixture("snapshots", name);

    public static string Policies(params string[] parts) => Path.Combine([Root, "policies", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CvmCheck.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CvmCheck.sln not found above " + AppContext.BaseDirectory);
    }
}
