using System.Globalization;
using System.Text.RegularExpressions;
using CvmCheck.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using RulePolicy = CvmCheck.Core.Rules.Policy;

namespace CvmCheck.Policy;

/// <summary>
/// Loads and validates <c>kind: Policy</c> documents (DESIGN.md §4). Every error — YAML syntax, unknown
/// key, wrong type, unknown fact name, bad regex, bad range, duplicate id — is collected with
/// file:line:col and reported together. A policy is data: nothing in it can run a command or name a
/// file to read; <c>include</c> may only name built-in policies.
/// </summary>
public static partial class PolicyLoader
{
    public const string ApiVersion = "cvmcheck/v1";
    public const string PolicyKind = "Policy";

    private static readonly string[] TopKeys = ["apiVersion", "kind", "metadata", "include", "rules", "waivers"];
    private static readonly string[] MetadataKeys = ["name", "description"];
    private static readonly string[] RuleKeys =
        ["id", "title", "description", "severity", "fact", .. ConditionReader.OperatorKeys, "optional", "when", "predicts", "remediation", "references"];

    private static readonly string[] WaiverKeys = ["rule", "subject", "reason", "approver", "expires"];

    /// <summary>Loads a policy by file path or built-in name (a path wins when both exist).</summary>
    public static IReadOnlyList<RulePolicy> LoadReference(string reference)
    {
        if (File.Exists(reference))
        {
            return LoadWithIncludes(LoadFile(reference));
        }

        if (BuiltInPolicies.Exists(reference))
        {
            return LoadWithIncludes(BuiltInPolicies.Load(reference));
        }

        var hint = Directory.Exists(reference) ? " (it is a directory)" : string.Empty;
        throw new PolicyLoadException([new PolicyError(reference, 0, 0,
            $"no policy file '{reference}'{hint} and no built-in policy of that name; built-ins: {string.Join(", ", BuiltInPolicies.Names)}")]);
    }

    public static LoadedPolicy LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException([new PolicyError(path, 0, 0, "cannot read policy: " + e.Message)]);
        }

        return Parse(text, path);
    }

    /// <summary>Parses one policy document; throws <see cref="PolicyLoadException"/> with all errors.</summary>
    public static LoadedPolicy Parse(string yaml, string file)
    {
        var errors = new List<PolicyError>();
        var result = TryParse(yaml, file, errors);
        if (errors.Count > 0 || result is null)
        {
            throw new PolicyLoadException(errors.Count > 0 ? errors : [new PolicyError(file, 0, 0, "not a policy")]);
        }

        return result;
    }

    /// <summary>Parses and validates, appending every problem to <paramref name="errors"/> (for <c>policy lint</c>).</summary>
    public static LoadedPolicy? TryParse(string yaml, string file, List<PolicyError> errors)
    {
        var root = LoadDocument(yaml, file, errors);
        if (root is null)
        {
            return null;
        }

        var y = new YamlNodes(file, errors);
        var map = y.Mapping(root, "a policy");
        if (map is null)
        {
            return null;
        }

        string? name = null;
        string? description = null;
        var includes = new List<string>();
        var rules = new List<Rule>();
        var waivers = new List<Waiver>();
        var sawApi = false;
        var sawKind = false;
        foreach (var (key, keyNode, value) in y.Entries(map, "a policy", TopKeys))
        {
            switch (key)
            {
                case "apiVersion":
                    sawApi = true;
                    if (y.Scalar(value, "'apiVersion'") is { } api && api != ApiVersion)
                    {
                        y.Error(value, $"apiVersion '{api}' is not supported; expected '{ApiVersion}'");
                    }

                    break;
                case "kind":
                    sawKind = true;
                    if (y.Scalar(value, "'kind'") is { } kind && kind != PolicyKind)
                    {
                        y.Error(value, kind == "Signatures"
                            ? "this is a Signatures document (failure signatures), not a Policy"
                            : $"kind '{kind}' is not supported here; expected '{PolicyKind}'");
                    }

                    break;
                case "metadata":
                    if (y.Mapping(value, "'metadata'") is { } meta)
                    {
                        foreach (var (mk, _, mv) in y.Entries(meta, "'metadata'", MetadataKeys))
                        {
                            if (mk == "name")
                            {
                                name = y.NonEmptyString(mv, "'metadata.name'");
                            }
                            else
                            {
                                description = y.Scalar(mv, "'metadata.description'");
                            }
                        }
                    }

                    break;
                case "include":
                    foreach (var inc in y.StringList(value, "'include'") ?? [])
                    {
                        if (!BuiltInPolicies.Exists(inc))
                        {
                            y.Error(value, $"'include' names '{inc}', which is not a built-in policy ({string.Join(", ", BuiltInPolicies.Names)}); only built-ins can be included");
                        }
                        else
                        {
                            includes.Add(inc);
                        }
                    }

                    break;
                case "rules":
                    if (y.Sequence(value, "'rules'") is { } seq)
                    {
                        foreach (var item in seq.Children)
                        {
                            if (ReadRule(item, y) is { } rule)
                            {
                                rules.Add(rule);
                            }
                        }
                    }

                    break;
                case "waivers":
                    if (y.Sequence(value, "'waivers'") is { } wseq)
                    {
                        foreach (var item in wseq.Children)
                        {
                            if (ReadWaiver(item, y) is { } waiver)
                            {
                                waivers.Add(waiver);
                            }
                        }
                    }

                    break;
            }
        }

        if (!sawApi)
        {
            y.Error(map, $"missing 'apiVersion: {ApiVersion}'");
        }

        if (!sawKind)
        {
            y.Error(map, $"missing 'kind: {PolicyKind}'");
        }

        foreach (var dup in rules.GroupBy(r => r.Id).Where(g => g.Count() > 1))
        {
            foreach (var r in dup.Skip(1))
            {
                errors.Add(new PolicyError(r.Position, $"duplicate rule id '{r.Id}' (first at line {dup.First().Position.Line})"));
            }
        }

        foreach (var w in waivers.Where(w => rules.All(r => r.Id != w.Rule) && includes.Count == 0))
        {
            errors.Add(new PolicyError(w.Position, $"waiver names rule '{w.Rule}', which this policy does not have"));
        }

        name ??= Path.GetFileNameWithoutExtension(file);
        return new LoadedPolicy(new RulePolicy(name, description, rules, waivers, file), includes);
    }

    private static IReadOnlyList<RulePolicy> LoadWithIncludes(LoadedPolicy loaded)
    {
        var result = new List<RulePolicy>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(LoadedPolicy p)
        {
            foreach (var include in p.Includes)
            {
                if (seen.Add(include))
                {
                    Add(BuiltInPolicies.Load(include));
                }
            }

            if (seen.Add(p.Policy.Name) || !result.Any(r => r.Name == p.Policy.Name))
            {
                result.Add(p.Policy);
            }
        }

        Add(loaded);
        return result;
    }

    internal static YamlNode? LoadDocument(string yaml, string file, List<PolicyError> errors)
    {
        var stream = TryLoadStream(yaml, out var line, out var column, out var problem);
        if (stream is null)
        {
            errors.Add(new PolicyError(file, line, column, "YAML syntax: " + problem));
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            errors.Add(new PolicyError(file, 1, 1, stream.Documents.Count == 0 ? "empty document" : "several YAML documents; put one policy per file"));
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>
    /// Parses YAML text into a stream, or returns null with the position and the problem. The one place
    /// policies and signature files are parsed, so both get the same guard: YamlDotNet throws
    /// <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> instead of a
    /// <see cref="YamlException"/> on some malformed documents (a '{' opening a flow mapping inside a
    /// block mapping; a stray ':' key) — found by fuzz/run.sh policy-yaml.
    /// </summary>
    internal static YamlStream? TryLoadStream(string yaml, out int line, out int column, out string problem)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
            (line, column, problem) = (0, 0, string.Empty);
            return stream;
        }
        catch (YamlException e)
        {
            (line, column) = ((int)e.Start.Line, (int)e.Start.Column);
            problem = StripPosition(e.InnerException is { } inner ? inner.Message : e.Message);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            var near = parser.Current?.End;
            (line, column) = ((int)(near?.Line ?? 1), (int)(near?.Column ?? 1));
            problem = "malformed document near here (check indentation and unclosed '{' or '[')";
            return null;
        }
    }

    private static Rule? ReadRule(YamlNode node, YamlNodes y)
    {
        var map = y.Mapping(node, "a rule");
        if (map is null)
        {
            return null;
        }

        string? id = null, title = null, description = null, fact = null, predicts = null, remediation = null;
        Severity? severity = null;
        bool optional = false;
        Condition? when = null;
        IReadOnlyList<string> references = [];
        var errorsBefore = y.Errors.Count;
        var tests = ConditionReader.ReadTests(map, y, RuleKeys, "a rule", (key, value) =>
        {
            switch (key)
            {
                case "id":
                    id = y.NonEmptyString(value, "'id'");
                    if (id is not null && !RuleId().IsMatch(id))
                    {
                        y.Error(value, $"rule id '{id}' must be dotted lower case, e.g. gpu.cc.mode");
                    }

                    break;
                case "title":
                    title = y.NonEmptyString(value, "'title'");
                    break;
                case "description":
                    description = y.Scalar(value, "'description'");
                    break;
                case "severity":
                    var s = y.Scalar(value, "'severity'");
                    if (s is not null)
                    {
                        if (SeverityNames.TryParse(s, out var sev))
                        {
                            severity = sev;
                        }
                        else
                        {
                            y.Error(value, $"severity '{s}' is not one of: {string.Join(", ", SeverityNames.All)}");
                        }
                    }

                    break;
                case "fact":
                    fact = ConditionReader.ReadFactName(value, y);
                    break;
                case "optional":
                    optional = y.Bool(value, "'optional'") ?? false;
                    break;
                case "when":
                    when = ConditionReader.Read(value, y);
                    break;
                case "predicts":
                    predicts = y.NonEmptyString(value, "'predicts'");
                    break;
                case "remediation":
                    remediation = y.Scalar(value, "'remediation'");
                    break;
                case "references":
                    references = y.StringList(value, "'references'") ?? [];
                    break;
            }
        });

        var at = y.At(node);
        var hasFactKey = map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "fact");
        if (id is null && !map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "id"))
        {
            y.Error(node, "a rule needs an 'id'");
        }

        if (title is null && !map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "title"))
        {
            y.Error(node, $"rule '{id}' needs a 'title'");
        }

        if (severity is null && !map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "severity"))
        {
            y.Error(node, $"rule '{id}' needs a 'severity' ({string.Join(", ", SeverityNames.All)})");
        }

        if (hasFactKey && tests is { Count: 0 })
        {
            y.Error(node, $"rule '{id}' names a fact but no operator; expected one of: {string.Join(", ", ConditionReader.OperatorKeys)}");
        }

        if (!hasFactKey && tests is { Count: > 0 })
        {
            y.Error(node, $"rule '{id}' has an operator but no 'fact'");
        }

        if (!hasFactKey && when is null && y.Errors.Count == errorsBefore)
        {
            y.Error(node, $"rule '{id}' needs a 'fact' with an operator, or (a predictive rule) a 'when' and 'predicts'");
        }

        if (y.Errors.Count > errorsBefore || id is null || title is null || severity is null || tests is null)
        {
            return null;
        }

        return new Rule
        {
            Id = id,
            Title = title,
            Description = description,
            Severity = severity.Value,
            Fact = fact,
            Tests = tests,
            Optional = optional,
            When = when,
            Predicts = predicts,
            Remediation = remediation ?? string.Empty,
            References = references,
            Position = at,
        };
    }

    private static Waiver? ReadWaiver(YamlNode node, YamlNodes y)
    {
        var map = y.Mapping(node, "a waiver");
        if (map is null)
        {
            return null;
        }

        string? rule = null, subject = null, reason = null, approver = null;
        DateOnly? expires = null;
        foreach (var (key, _, value) in y.Entries(map, "a waiver", WaiverKeys))
        {
            switch (key)
            {
                case "rule":
                    rule = y.NonEmptyString(value, "'rule'");
                    break;
                case "subject":
                    subject = y.NonEmptyString(value, "'subject'");
                    break;
                case "reason":
                    reason = y.NonEmptyString(value, "'reason'");
                    break;
                case "approver":
                    approver = y.NonEmptyString(value, "'approver'");
                    break;
                case "expires":
                    var text = y.Scalar(value, "'expires'");
                    if (text is not null)
                    {
                        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                        {
                            expires = d;
                        }
                        else
                        {
                            y.Error(value, $"'expires' must be a date like 2026-12-31, not '{text}'");
                        }
                    }

                    break;
            }
        }

        foreach (var (field, present) in (ReadOnlySpan<(string, bool)>)[("rule", rule is not null), ("reason", reason is not null), ("approver", approver is not null), ("expires", expires is not null)])
        {
            if (!present && !map.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == field))
            {
                y.Error(node, $"a waiver needs '{field}' (every waiver says which rule, why, who approved it and until when)");
            }
        }

        return rule is null || reason is null || approver is null || expires is null
            ? null
            : new Waiver(rule, reason, approver, expires.Value, subject, y.At(node));
    }

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (…): "; we print our own position.
        var at = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && at > 0 ? message[(at + 3)..] : message;
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleId();
}

/// <summary>A parsed policy document and the built-in policies it includes.</summary>
public sealed record LoadedPolicy(RulePolicy Policy, IReadOnlyList<string> Includes);
