using CvmCheck.Testing;

namespace CvmCheck.Formats.Tests;

internal static class Captures
{
    public static string Path(string folder, string file) => Repo.Fixture("captures", folder, file);

    public static string Text(string folder, string file) => File.ReadAllText(Path(folder, file));

    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Repo.Fixture("captures", folder)).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);
}
