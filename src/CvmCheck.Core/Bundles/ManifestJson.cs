using System.Globalization;
using System.Text.Json;

namespace CvmCheck.Core.Bundles;

/// <summary>The manifest is not what cvmcheck writes (bad JSON, wrong schema, a missing or mistyped
/// field); the message names the field.</summary>
public sealed class ManifestFormatException(string message) : Exception(message);

/// <summary>
/// Reads and writes <c>manifest.json</c> with <see cref="Utf8JsonWriter"/>/<see cref="JsonDocument"/> (no
/// reflection, AOT-clean). The bytes written are the bytes signed and bound: once written they are never
/// re-serialised, so field order and spacing need not be canonical — but they are stable (indented,
/// fields in the order below) so two runs over the same evidence differ only in time, host and nonce.
/// </summary>
public static class ManifestJson
{
    public static byte[] Write(BundleManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", manifest.Schema);
            w.WriteStartObject("tool");
            w.WriteString("name", "cvmcheck");
            w.WriteString("version", manifest.ToolVersion);
            w.WriteEndObject();
            w.WriteString("created", manifest.Created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("host", manifest.Host);
            w.WriteString("source", manifest.Source);
            w.WriteString("nonce", Convert.ToHexStringLower(manifest.Nonce));
            w.WriteStartArray("artifacts");
            foreach (var a in manifest.Artifacts)
            {
                w.WriteStartObject();
                w.WriteString("path", a.Path);
                w.WriteString("kind", KindName(a.Kind));
                if (a.Kind != ManifestEntryKind.Directory)
                {
                    w.WriteNumber("size", a.Size);
                    w.WriteString("sha384", a.Sha384);
                }

                if (a.Argv is not null)
                {
                    w.WriteStartArray("argv");
                    foreach (var arg in a.Argv)
                    {
                        w.WriteStringValue(arg);
                    }

                    w.WriteEndArray();
                }

                if (a.Exit is not null)
                {
                    if (int.TryParse(a.Exit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
                    {
                        w.WriteNumber("exit", code);
                    }
                    else
                    {
                        w.WriteString("exit", a.Exit);
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (manifest.Findings is { } f)
            {
                w.WriteStartObject("findings");
                WriteStrings(w, "policies", f.Policies);
                w.WriteString("verdict", f.Verdict);
                w.WriteStartObject("counts");
                foreach (var (status, count) in f.Counts)
                {
                    w.WriteNumber(status, count);
                }

                w.WriteEndObject();
                WriteStrings(w, "failing", f.Failing);
                WriteStrings(w, "errors", f.Errors);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static BundleManifest Parse(ReadOnlyMemory<byte> bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ManifestFormatException($"not JSON ({e.Message})");
        }

        using (doc)
        {
            try
            {
                return Read(doc.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // e.g. a string that is not valid UTF-8 once decoded
                throw new ManifestFormatException($"unreadable value ({e.Message})");
            }
        }
    }

    private static BundleManifest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestFormatException("not a JSON object");
        }

        var schema = String(root, "schema");
        if (schema != BundleLayout.ManifestSchema)
        {
            throw new ManifestFormatException($"schema is '{schema}', expected '{BundleLayout.ManifestSchema}'");
        }

        var tool = Property(root, "tool", JsonValueKind.Object);
        var createdText = String(root, "created");
        if (!DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created))
        {
            throw new ManifestFormatException($"created: '{createdText}' is not a time");
        }

        byte[] nonce;
        try
        {
            nonce = Convert.FromHexString(String(root, "nonce"));
        }
        catch (FormatException)
        {
            throw new ManifestFormatException("nonce: not hex");
        }

        var artifacts = new List<ManifestEntry>();
        var index = 0;
        foreach (var e in Property(root, "artifacts", JsonValueKind.Array).EnumerateArray())
        {
            artifacts.Add(ReadEntry(e, $"artifacts[{index++}]"));
        }

        return new BundleManifest
        {
            ToolVersion = String(tool, "version", "tool."),
            Created = created,
            Host = String(root, "host"),
            Source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : string.Empty,
            Nonce = nonce,
            Artifacts = artifacts,
            Findings = root.TryGetProperty("findings", out var f) && f.ValueKind == JsonValueKind.Object ? ReadFindings(f) : null,
        };
    }

    public static string KindName(ManifestEntryKind kind) => kind switch
    {
        ManifestEntryKind.Command => "command",
        ManifestEntryKind.Directory => "directory",
        _ => "file",
    };

    private static ManifestEntry ReadEntry(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ManifestFormatException($"{where}: not an object");
        }

        var kindText = String(e, "kind", where + ".");
        var kind = kindText switch
        {
            "file" => ManifestEntryKind.File,
            "command" => ManifestEntryKind.Command,
            "directory" => ManifestEntryKind.Directory,
            _ => throw new ManifestFormatException($"{where}.kind: '{kindText}' is not file, command or directory"),
        };
        long size = 0;
        var sha = string.Empty;
        if (kind != ManifestEntryKind.Directory)
        {
            var sizeElement = Property(e, "size", JsonValueKind.Number, where + ".");
            if (!sizeElement.TryGetInt64(out size) || size < 0)
            {
                throw new ManifestFormatException($"{where}.size: not a non-negative integer");
            }

            sha = String(e, "sha384", where + ".");
            if (sha.Length != 96 || !sha.All(char.IsAsciiHexDigitLower))
            {
                throw new ManifestFormatException($"{where}.sha384: not 96 lower-case hex digits");
            }
        }

        IReadOnlyList<string>? argv = null;
        if (e.TryGetProperty("argv", out var argvElement))
        {
            if (argvElement.ValueKind != JsonValueKind.Array || argvElement.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                throw new ManifestFormatException($"{where}.argv: not an array of strings");
            }

            argv = argvElement.EnumerateArray().Select(a => a.GetString()!).ToArray();
        }

        string? exit = null;
        if (e.TryGetProperty("exit", out var exitElement))
        {
            exit = exitElement.ValueKind switch
            {
                JsonValueKind.Number when exitElement.TryGetInt32(out var code) => code.ToString(CultureInfo.InvariantCulture),
                JsonValueKind.String => exitElement.GetString(),
                _ => throw new ManifestFormatException($"{where}.exit: not an exit code or string"),
            };
        }

        return new ManifestEntry { Path = String(e, "path", where + "."), Kind = kind, Size = size, Sha384 = sha, Argv = argv, Exit = exit };
    }

    private static FindingsSummary ReadFindings(JsonElement f)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (f.TryGetProperty("counts", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in c.EnumerateObject())
            {
                counts[p.Name] = p.Value.TryGetInt32(out var n) ? n : 0;
            }
        }

        return new FindingsSummary
        {
            Policies = Strings(f, "policies"),
            Verdict = f.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty,
            Counts = counts,
            Failing = Strings(f, "failing"),
            Errors = Strings(f, "errors"),
        };
    }

    private static string[] Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static JsonElement Property(JsonElement e, string name, JsonValueKind kind, string prefix = "")
    {
        if (!e.TryGetProperty(name, out var value))
        {
            throw new ManifestFormatException($"{prefix}{name}: missing");
        }

        return value.ValueKind == kind ? value : throw new ManifestFormatException($"{prefix}{name}: expected {kind.ToString().ToLowerInvariant()}, found {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    private static string String(JsonElement e, string name, string prefix = "") => Property(e, name, JsonValueKind.String, prefix).GetString()!;
}
