using System.Text.Json;
using Json.Schema;

namespace CvmCheck.Testing;

/// <summary>The JSON Schemas (draft 2020-12) shipped in <c>docs/schemas/</c>, loaded once with their
/// cross-file references resolved, so any test can check a JSON output against its published schema.</summary>
public static class JsonSchemas
{
    private static readonly Lazy<(BuildOptions Options, Dictionary<string, JsonSchema> ByFile)> Loaded = new(Load);

    public static string Directory => Path.Combine(Repo.Root, "docs", "schemas");

    /// <summary>Every schema file name in <c>docs/schemas/</c>.</summary>
    public static IReadOnlyCollection<string> Files => Loaded.Value.ByFile.Keys;

    /// <summary>Validation errors of <paramref name="json"/> against <c>docs/schemas/&lt;file&gt;</c>;
    /// empty when valid. Each error names the instance location and the failed keyword.</summary>
    public static IReadOnlyList<string> Errors(string file, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Errors(file, doc.RootElement);
    }

    public static IReadOnlyList<string> Errors(string file, JsonElement instance)
    {
        var schema = Loaded.Value.ByFile[file];
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        Collect(result, errors);
        return errors.Count > 0 ? errors : ["invalid (no detail)"];
    }

    /// <summary>Throws with every error when the JSON does not match the schema.</summary>
    public static void AssertValid(string file, string json)
    {
        var errors = Errors(file, json);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"JSON does not match docs/schemas/{file}:\n  " + string.Join("\n  ", errors.Take(20)));
        }
    }

    private static void Collect(EvaluationResults r, List<string> errors)
    {
        if (r.Errors is { Count: > 0 })
        {
            foreach (var (keyword, message) in r.Errors)
            {
                errors.Add($"{r.InstanceLocation} ({r.EvaluationPath} {keyword}): {message}");
            }
        }

        if (r.Details is not null)
        {
            foreach (var d in r.Details)
            {
                Collect(d, errors);
            }
        }
    }

    private static (BuildOptions, Dictionary<string, JsonSchema>) Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var texts = System.IO.Directory.GetFiles(Directory, "*.schema.json").OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        // common.schema.json first: the others refer to it.
        var byFile = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var (name, text) in texts.OrderBy(kv => kv.Key == "common.schema.json" ? 0 : 1))
        {
            var schema = JsonSchema.FromText(text, options);
            options.SchemaRegistry.Register(schema);
            byFile[name] = schema;
        }

        return (options, byFile);
    }
}
