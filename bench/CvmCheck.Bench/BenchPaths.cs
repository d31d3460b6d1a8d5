namespace CvmCheck.Bench;

/// <summary>Locates the repository (for fixtures) from the benchmark's working directory.</summary>
public static class BenchPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CvmCheck.sln")))
                {
                    return dir.FullName;
                }
            }

            return Directory.GetCurrentDirectory();
        }
    }

    public static string Fixture(params string[] parts) => Path.Combine([Root, "fixtures", .. parts]);
}
