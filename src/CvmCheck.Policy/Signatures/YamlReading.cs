using CvmCheck.Core.Rules;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Policy.Signatures;

/// <summary>Small helpers over YamlDotNet's representation model that record errors instead of throwing.</summary>
internal sealed class YamlReading(string file)
{
    public List<SignatureLoadError> Errors { get; } = [];

    public string File { get; } = file;

    public SourcePosition At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => Errors.Add(new SignatureLoadError(At(node), message));

    /// <summary>The mapping's entries by key; unknown keys are reported.</summary>
    public Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Entries(YamlMappingNode map, string what, params string[] allowed)
    {
        var entries = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                Error(keyNode, $"{what}: keys must be plain text");
                continue;
            }

            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                Error(keyNode, $"{what}: unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
                continue;
            }

            if (!entries.TryAdd(key, (scalarKey, value)))
            {
                Error(keyNode, $"{what}: duplicate key '{key}'");
            }
        }

        return entries;
    }

    public string? Text(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string what, bool required)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is YamlScalarNode { Value: { } text })
        {
            return text;
        }

        Error(entry.Value, $"{what}: '{key}' must be text, not a {Kind(entry.Value)}");
        return null;
    }

    public string? RequiredText(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, YamlNode owner, string key, string what)
    {
        var text = Text(entries, key, what, required: true);
        if (text is null && !entries.ContainsKey(key))
        {
            Error(owner, $"{what}: '{key}' is required");
        }
        else if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            Error(entries[key].Value, $"{what}: '{key}' must not be empty");
            return null;
        }

        return text;
    }

    public int? Integer(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string what, int minimum)
    {
        var text = Text(entries, key, what, required: false);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < minimum)
        {
            Error(entries[key].Value, $"{what}: '{key}' must be a whole number ≥ {minimum}, not '{text}'");
            return null;
        }

        return value;
    }

    public double? Number(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string what)
    {
        var text = Text(entries, key, what, required: false);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            Error(entries[key].Value, $"{what}: '{key}' must be a positive number, not '{text}'");
            return null;
        }

        return value;
    }

    public bool? Boolean(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string what)
    {
        var text = Text(entries, key, what, required: false);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(entries[key].Value, $"{what}: '{key}' must be true or false, not '{text}'");
                return null;
        }
    }

    public IReadOnlyList<string> TextList(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string what)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return [];
        }

        if (entry.Value is not YamlSequenceNode sequence)
        {
            Error(entry.Value, $"{what}: '{key}' must be a list of text, not a {Kind(entry.Value)}");
            return [];
        }

        var list = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { } text })
            {
                list.Add(text);
            }
            else
            {
                Error(item, $"{what}: every item of '{key}' must be text");
            }
        }

        return list;
    }

    public static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "scalar",
    };
}
