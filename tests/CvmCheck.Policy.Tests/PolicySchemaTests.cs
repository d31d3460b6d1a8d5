using System.Globalization;
using System.Text.Json.Nodes;
using CvmCheck.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy.Tests;

/// <summary><c>docs/schemas/policy.schema.json</c> (for YAML editors and CI linters) accepts every built-in
/// policy and rejects what the loader rejects structurally.</summary>
public sealed class PolicySchemaTests
{
    public static TheoryData<string> BuiltInPolicyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.Policies(), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInPolicyFiles))]
    public void Every_built_in_policy_matches_the_policy_schema(string file)
    {
        var json = ToJson(File.ReadAllText(Repo.Policies(file)));
        JsonSchemas.AssertValid("policy.schema.json", json);
    }

    [Theory]
    [InlineData("apiVersion: cvmcheck/v2\nkind: Policy\nmetadata: {name: x}\n")]
    [InlineData("apiVersion: cvmcheck/v1\nkind: Policy\nmetadata: {name: x}\nrules:\n  - {id: a.b, title: t, severity: urgent, fact: gpu.count, min: 1}\n")]
    [InlineData("apiVersion: cvmcheck/v1\nkind: Policy\nmetadata: {name: x}\ncolour: red\n")]
    [InlineData("apiVersion: cvmcheck/v1\nkind: Policy\nmetadata: {name: x}\nwaivers:\n  - {rule: a.b, reason: r, approver: me, expires: tomorrow}\n")]
    [InlineData("apiVersion: cvmcheck/v1\nkind: Policy\nmetadata: {name: x}\nrules:\n  - {id: a.b, title: t, severity: low, when: {any: []}}\n")]
    public void The_policy_schema_rejects_structural_mistakes_the_loader_also_rejects(string yaml)
    {
        Assert.NotEmpty(JsonSchemas.Errors("policy.schema.json", ToJson(yaml)));
        Assert.Throws<PolicyLoadException>(() => PolicyLoader.Parse(yaml, "test.yaml"));
    }

    /// <summary>YAML → JSON as a YAML-aware JSON Schema validator sees it: plain scalars that read as
    /// booleans or numbers become those, everything else a string.</summary>
    private static string ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode)!.ToJsonString();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } p => Plain(p.Value ?? string.Empty),
        YamlScalarNode q => JsonValue.Create(q.Value),
        _ => null,
    };

    private static JsonNode? Plain(string v)
    {
        if (v is "true" or "false")
        {
            return JsonValue.Create(v == "true");
        }

        if (v is "" or "~" or "null")
        {
            return null;
        }

        return long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? JsonValue.Create(l)
            : System.Text.RegularExpressions.Regex.IsMatch(v, @"^-?[0-9]+\.[0-9]+$") ? JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture))
            : JsonValue.Create(v);
    }
}
