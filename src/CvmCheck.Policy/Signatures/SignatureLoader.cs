using System.Text.RegularExpressions;
using CvmCheck.Core.Diagnosis;
using CvmCheck.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy.Signatures;

/// <summary>
/// Loads <c>kind: Signatures</c> files (DESIGN.md §4–5) with YamlDotNet's representation model only (the
/// reflection deserializer is not AOT-safe). Every problem — unknown key, wrong type, bad regex, a regex
/// construct the non-backtracking engine refuses, unknown fact, duplicate id — is reported with
/// file:line:col, all at once; a file with any error yields no signatures.
/// </summary>
public static partial class SignatureLoader
{
    public const string ApiVersion = "cvmcheck/v1";
    public const string Kind = "Signatures";

    private static readonly string[] TopKeys = ["apiVersion", "kind", "metadata", "signatures"];
    private static readonly string[] SignatureKeys = ["id", "title", "severity", "confidence", "matches", "when", "explanation", "remediation", "references"];
    private static readonly string[] MatchKeys = ["regex", "ignore_case", "min_count", "then"];
    private static readonly string[] ThenKeys = ["regex", "ignore_case", "within_lines", "within_seconds"];
    private static readonly string[] Confidences = ["high", "medium", "low"];

    public static SignatureLoadResult LoadFile(string path) => Load(File.ReadAllText(path), path);

    /// <summary>Loads one signature file. Every regex is compiled, so a bad one is a load error, unless
    /// <paramref name="deferRegexCompilation"/> (for the built-in files, whose tests compile them all):
    /// then each compiles on first use, which keeps start-up of <c>check</c> and <c>diagnose</c> fast.</summary>
    public static SignatureLoadResult Load(string text, string fileName, bool deferRegexCompilation = false)
    {
        var yaml = new YamlReading(fileName);
        var stream = PolicyLoader.TryLoadStream(text, out var line, out var column, out var problem);
        if (stream is null)
        {
            return new SignatureLoadResult([], [new SignatureLoadError(new SourcePosition(fileName, line, column), "not valid YAML: " + problem)]);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new SignatureLoadResult([], [new SignatureLoadError(new SourcePosition(fileName, 1, 1), "expected one YAML document holding a mapping (apiVersion, kind, signatures)")]);
        }

        var top = yaml.Entries(root, "file", TopKeys);
        var apiVersion = yaml.RequiredText(top, root, "apiVersion", "file");
        if (apiVersion is not null && apiVersion != ApiVersion)
        {
            yaml.Error(top["apiVersion"].Value, $"file: apiVersion must be '{ApiVersion}', not '{apiVersion}'");
        }

        var kind = yaml.RequiredText(top, root, "kind", "file");
        if (kind is not null && kind != Kind)
        {
            yaml.Error(top["kind"].Value, $"file: kind must be '{Kind}' here, not '{kind}'");
        }

        var signatures = new List<Signature>();
        if (!top.TryGetValue("signatures", out var list))
        {
            yaml.Error(root, "file: 'signatures' is required");
        }
        else if (list.Value is not YamlSequenceNode sequence)
        {
            yaml.Error(list.Value, "file: 'signatures' must be a list");
        }
        else
        {
            var seen = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
            foreach (var item in sequence.Children)
            {
                var signature = ReadSignature(item, yaml, deferRegexCompilation);
                if (signature is null)
                {
                    continue;
                }

                if (seen.TryGetValue(signature.Id, out var first))
                {
                    yaml.Error(item, $"signature '{signature.Id}': duplicate id (first at {first})");
                    continue;
                }

                seen[signature.Id] = signature.Position;
                signatures.Add(signature);
            }
        }

        return yaml.Errors.Count > 0 ? new SignatureLoadResult([], yaml.Errors) : new SignatureLoadResult(signatures, []);
    }

    private static Signature? ReadSignature(YamlNode node, YamlReading yaml, bool defer)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, "signature: must be a mapping (id, title, severity, matches, …)");
            return null;
        }

        var before = yaml.Errors.Count;
        var entries = yaml.Entries(map, "signature", SignatureKeys);
        var id = yaml.RequiredText(entries, node, "id", "signature");
        var what = id is null ? "signature" : $"signature '{id}'";
        if (id is not null && !IdPattern().IsMatch(id))
        {
            yaml.Error(entries["id"].Value, $"{what}: id must be dotted lower case, e.g. gpu.rm-init-failed");
        }

        var title = yaml.RequiredText(entries, node, "title", what);
        var severityText = yaml.RequiredText(entries, node, "severity", what);
        var severity = Severity.Info;
        if (severityText is not null && !SeverityNames.TryParse(severityText, out severity))
        {
            yaml.Error(entries["severity"].Value, $"{what}: severity must be one of {string.Join(", ", SeverityNames.All)}, not '{severityText}'");
        }

        var confidence = yaml.Text(entries, "confidence", what, required: false) ?? "high";
        if (!Confidences.Contains(confidence, StringComparer.Ordinal))
        {
            yaml.Error(entries["confidence"].Value, $"{what}: confidence must be high, medium or low, not '{confidence}'");
        }

        var matches = new List<SignaturePattern>();
        if (!entries.TryGetValue("matches", out var matchesEntry))
        {
            yaml.Error(node, $"{what}: 'matches' is required");
        }
        else if (matchesEntry.Value is not YamlSequenceNode { Children.Count: > 0 } matchList)
        {
            yaml.Error(matchesEntry.Value, $"{what}: 'matches' must be a non-empty list of patterns");
        }
        else
        {
            foreach (var item in matchList.Children)
            {
                if (ReadPattern(item, yaml, what, defer) is { } pattern)
                {
                    matches.Add(pattern);
                }
            }
        }

        Condition? when = null;
        if (entries.TryGetValue("when", out var whenEntry))
        {
            // The policy language's own reader, so signatures and rules share one condition syntax.
            var conditionErrors = new List<PolicyError>();
            when = ConditionReader.Read(whenEntry.Value, new YamlNodes(yaml.File, conditionErrors));
            foreach (var error in conditionErrors)
            {
                yaml.Errors.Add(new SignatureLoadError(new SourcePosition(error.File, error.Line, error.Column), "condition: " + error.Message));
            }
        }

        var explanation = yaml.Text(entries, "explanation", what, required: false) ?? string.Empty;
        var remediation = yaml.RequiredText(entries, node, "remediation", what) ?? string.Empty;
        var references = yaml.TextList(entries, "references", what);
        if (yaml.Errors.Count > before || id is null || title is null)
        {
            return null;
        }

        return new Signature
        {
            Id = id,
            Title = title,
            Severity = severity,
            Confidence = confidence,
            Matches = matches,
            When = when,
            Explanation = explanation.Trim(),
            Remediation = remediation.Trim(),
            References = references,
            Position = yaml.At(node),
        };
    }

    private static SignaturePattern? ReadPattern(YamlNode node, YamlReading yaml, string what, bool defer)
    {
        if (node is YamlScalarNode { Value: { } shorthand })
        {
            var line = Compile(node, shorthand, ignoreCase: false, yaml, what, defer);
            return line is null ? null : new SignaturePattern { Line = line, Position = yaml.At(node) };
        }

        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, $"{what}: a pattern is a regex or a mapping (regex, min_count, then)");
            return null;
        }

        var entries = yaml.Entries(map, what + " pattern", MatchKeys);
        var regex = yaml.RequiredText(entries, node, "regex", what + " pattern");
        var ignoreCase = yaml.Boolean(entries, "ignore_case", what) ?? false;
        var minCount = yaml.Integer(entries, "min_count", what, minimum: 1) ?? 1;
        FollowUp? then = null;
        if (entries.TryGetValue("then", out var thenEntry))
        {
            then = ReadFollowUp(thenEntry.Value, yaml, what, defer);
            if (then is null)
            {
                return null;
            }
        }

        var compiled = regex is null ? null : Compile(entries["regex"].Value, regex, ignoreCase, yaml, what, defer);
        return compiled is null ? null : new SignaturePattern { Line = compiled, MinCount = minCount, Then = then, Position = yaml.At(node) };
    }

    private static FollowUp? ReadFollowUp(YamlNode node, YamlReading yaml, string what, bool defer)
    {
        if (node is not YamlMappingNode map)
        {
            yaml.Error(node, $"{what}: 'then' must be a mapping (regex, within_lines, within_seconds)");
            return null;
        }

        var entries = yaml.Entries(map, what + " then", ThenKeys);
        var regex = yaml.RequiredText(entries, node, "regex", what + " then");
        var ignoreCase = yaml.Boolean(entries, "ignore_case", what) ?? false;
        var lines = yaml.Integer(entries, "within_lines", what, minimum: 1);
        var seconds = yaml.Number(entries, "within_seconds", what);
        var compiled = regex is null ? null : Compile(entries["regex"].Value, regex, ignoreCase, yaml, what, defer);
        return compiled is null ? null : new FollowUp { Line = compiled, WithinLines = lines, WithinSeconds = seconds };
    }

    private static LinePattern? Compile(YamlNode node, string pattern, bool ignoreCase, YamlReading yaml, string what, bool defer)
    {
        try
        {
            return defer ? LinePattern.CreateDeferred(pattern, ignoreCase) : LinePattern.Create(pattern, ignoreCase);
        }
        catch (ArgumentException e)
        {
            yaml.Error(node, $"{what}: bad regular expression: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            yaml.Error(node, $"{what}: regular expression uses a construct the linear-time engine does not support (backreference, look-around, atomic group): {e.Message}");
        }

        return null;
    }

    [GeneratedRegex(@"^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$")]
    private static partial Regex IdPattern();
}
