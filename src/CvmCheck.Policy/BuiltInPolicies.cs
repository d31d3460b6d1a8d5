using System.Reflection;

namespace CvmCheck.Policy;

/// <summary>The policies shipped inside the binary (<c>policies/*.yaml</c>, embedded), selectable by name.</summary>
public static class BuiltInPolicies
{
    private const string Prefix = "policies/";
    private const string Suffix = ".yaml";

    private static Assembly Assembly => typeof(BuiltInPolicies).Assembly;

    /// <summary>Names of the built-in policies (not signatures): <c>baseline</c>, <c>h100-tdx-cc-production</c>, …</summary>
    public static IReadOnlyList<string> Names =>
        Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal) && n.IndexOf('/', Prefix.Length) < 0)
            .Select(n => n[Prefix.Length..^Suffix.Length])
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static bool Exists(string name) => Assembly.GetManifestResourceInfo(Prefix + name + Suffix) is not null;

    /// <summary>The YAML text of a built-in resource, e.g. <c>ReadText("policies/baseline.yaml")</c>.</summary>
    public static string ReadResource(string resource)
    {
        using var stream = Assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"no embedded resource '{resource}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Resource names under a folder, e.g. <c>policies/signatures/</c>.</summary>
    public static IReadOnlyList<string> ResourcesUnder(string folder) =>
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith(folder, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    public static string Text(string name) => ReadResource(Prefix + name + Suffix);

    public static LoadedPolicy Load(string name) => PolicyLoader.Parse(Text(name), "builtin:" + name);
}
