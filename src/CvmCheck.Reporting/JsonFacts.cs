using System.Text.Json;
using CvmCheck.Core.Facts;

namespace CvmCheck.Reporting;

/// <summary>Writes facts in the shape of DESIGN.md §1b: <c>{"name": {"value", "artifact", "line", "reason"}}</c>.</summary>
public static class JsonFacts
{
    public const string Schema = "cvmcheck/facts/v1";

    public static void WriteDocument(Stream output, FactSet facts)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WritePropertyName("facts");
        WriteFacts(w, facts);
        w.WriteEndObject();
    }

    public static void WriteFacts(Utf8JsonWriter w, FactSet facts)
    {
        w.WriteStartObject();
        foreach (var fact in facts.Sorted)
        {
            w.WritePropertyName(fact.Name);
            WriteFact(w, fact);
        }

        w.WriteEndObject();
    }

    public static void WriteFact(Utf8JsonWriter w, Fact fact)
    {
        w.WriteStartObject();
        w.WritePropertyName("value");
        WriteValue(w, fact.Value);
        if (fact.Artifact is not null)
        {
            w.WriteString("artifact", fact.Artifact);
        }

        if (fact.Line is int line)
        {
            w.WriteNumber("line", line);
        }

        if (fact.Reason is not null)
        {
            w.WriteString("reason", fact.Reason);
        }

        if (fact.Value is null && fact.Consulted.Count > 0)
        {
            w.WriteStartArray("consulted");
            foreach (var c in fact.Consulted)
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            default:
                w.WriteStringValue(value.ToString());
                break;
        }
    }
}
