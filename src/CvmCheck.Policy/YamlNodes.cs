using System.Globalization;
using CvmCheck.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy;

/// <summary>
/// Typed reads from YamlDotNet's representation model that record an error (file:line:col) instead of
/// throwing, so one pass reports every problem. The only place that knows YamlDotNet's node types,
/// together with <see cref="PolicyLoader"/>'s document loading.
/// </summary>
public sealed class YamlNodes(string file, List<PolicyError> errors)
{
    public string File { get; } = file;

    public List<PolicyError> Errors { get; } = errors;

    public SourcePosition At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    public SourcePosition At(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    public void Error(YamlNode node, string message) => Errors.Add(new PolicyError(At(node), message));

    /// <summary>The node as a mapping, or an error "expected a mapping".</summary>
    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode m)
        {
            return m;
        }

        Error(node, $"{what} must be a mapping (key: value pairs)");
        return null;
    }

    public YamlSequenceNode? Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode s)
        {
            return s;
        }

        Error(node, $"{what} must be a list");
        return null;
    }

    public string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: not null } s)
        {
            return s.Value;
        }

        Error(node, $"{what} must be a single value (a string, number or boolean)");
        return null;
    }

    public string? NonEmptyString(YamlNode node, string what)
    {
        var s = Scalar(node, what);
        if (s is not null && s.Trim().Length == 0)
        {
            Error(node, $"{what} must not be empty");
            return null;
        }

        return s;
    }

    public bool? Bool(YamlNode node, string what)
    {
        var s = Scalar(node, what);
        switch (s)
        {
            case null:
                return null;
            case "true" or "True" or "TRUE" or "yes":
                return true;
            case "false" or "False" or "FALSE" or "no":
                return false;
            default:
                Error(node, $"{what} must be true or false, not '{s}'");
                return null;
        }
    }

    public int? Int(YamlNode node, string what)
    {
        var s = Scalar(node, what);
        if (s is null)
        {
            return null;
        }

        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(node, $"{what} must be an integer, not '{s}'");
        return null;
    }

    public IReadOnlyList<string>? StringList(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } single })
        {
            return [single];
        }

        var seq = Sequence(node, what);
        if (seq is null)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in seq.Children)
        {
            if (Scalar(item, what + " item") is { } v)
            {
                list.Add(v);
            }
        }

        return list;
    }

    /// <summary>Iterates a mapping's entries, reporting keys that are not allowed (with the list of allowed ones).</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, string what, IReadOnlyCollection<string> allowed)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: { } key })
            {
                Error(k, $"keys of {what} must be plain names");
                continue;
            }

            if (!allowed.Contains(key))
            {
                Error(k, $"unknown key '{key}' in {what}; expected one of: {string.Join(", ", allowed)}");
                continue;
            }

            yield return (key, k, v);
        }
    }
}
