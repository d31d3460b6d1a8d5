using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CvmCheck.Core.Facts;
using CvmCheck.Core.Rules;

namespace CvmCheck.Core.Diagnosis;

/// <summary>
/// The running state of matching one log against a <see cref="SignatureSet"/>: counts, the first few
/// evidence lines and captures per pattern, and for "A then B" patterns the latest A. Memory is bounded
/// whatever the log's size.
/// </summary>
internal sealed class MatchSession
{
    public const int MaxEvidencePerDiagnosis = 5;
    public const int MaxCaptureValues = 5;
    public const int MaxEvidenceTextChars = 512;

    /// <summary>Captures are the distinct values seen in this many first occurrences of a pattern.</summary>
    public const int MaxDetailedOccurrences = 64;

    private readonly SignatureSet set;
    private readonly PatternState[][] states;
    private readonly int[] triggeredStamp;
    private readonly List<int> triggered = [];
    private const int MaxMemoEntries = 16 * 1024;
    private const int MaxMemoKeyChars = 1024;
    private readonly Dictionary<string, int[]> memo = new(StringComparer.Ordinal);
    private readonly Action<int> trigger;
    private int stamp;

    // Records in which each signature matched (a record matched by two alternatives counts once).
    private readonly int[] occurrences;
    private readonly int[] lastRecord;
    private int recordNumber;

    public MatchSession(SignatureSet set)
    {
        this.set = set;
        trigger = Trigger;
        occurrences = new int[set.Signatures.Count];
        lastRecord = new int[set.Signatures.Count];
        states = set.Signatures.Select(s => s.Matches.Select(_ => new PatternState()).ToArray()).ToArray();
        triggeredStamp = new int[set.Patterns.Count];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(in LogRecord record)
    {
        recordNumber++;
        foreach (var index in MatchingPatterns(record.Message))
        {
            var reference = set.Patterns[index];
            if (!reference.IsFollowUp && set.Signatures[reference.Signature].Matches[reference.Pattern].Then is null && lastRecord[reference.Signature] != recordNumber)
            {
                lastRecord[reference.Signature] = recordNumber;
                occurrences[reference.Signature]++;
            }

            var pattern = set.Signatures[reference.Signature].Matches[reference.Pattern];
            var state = states[reference.Signature][reference.Pattern];
            if (pattern.Then is null && state.Count >= MaxDetailedOccurrences)
            {
                state.Count++; // evidence and captures come from the first occurrences; later ones are only counted
                continue;
            }

            var match = reference.Line.Regex.Match(record.Message);
            if (pattern.Then is null)
            {
                state.Count++;
                state.AddEvidence(record);
                state.AddCaptures(reference.Line.Regex, match);
            }
            else if (!reference.IsFollowUp)
            {
                state.Anchor = record.Detached();
                state.AnchorCaptures = Captures(reference.Line.Regex, match);
            }
            else if (state.Anchor is LogRecord anchor && Within(pattern.Then, anchor, record))
            {
                state.Count++;
                if (lastRecord[reference.Signature] != recordNumber)
                {
                    lastRecord[reference.Signature] = recordNumber;
                    occurrences[reference.Signature]++;
                }

                state.AddEvidence(anchor);
                state.AddEvidence(record);
                foreach (var (name, value) in state.AnchorCaptures)
                {
                    state.AddCapture(name, value);
                }

                state.AddCaptures(reference.Line.Regex, match);
            }
        }
    }

    public IReadOnlyList<Diagnosis> Finish(FactSet facts)
    {
        var diagnoses = new List<Diagnosis>();
        for (var s = 0; s < set.Signatures.Count; s++)
        {
            var signature = set.Signatures[s];
            var satisfied = signature.Matches.Select((p, i) => (Pattern: p, State: states[s][i]))
                .Where(x => x.State.Count > 0 && x.State.Count >= x.Pattern.MinCount)
                .Select(x => x.State)
                .ToList();
            if (satisfied.Count == 0 || !GuardHolds(signature, facts))
            {
                continue;
            }

            var evidence = satisfied.SelectMany(x => x.Evidence).DistinctBy(e => (e.Artifact, e.Line)).OrderBy(e => e.Line).Take(MaxEvidencePerDiagnosis).ToArray();
            var captures = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, values) in satisfied.SelectMany(x => x.Captures))
            {
                captures[name] = captures.TryGetValue(name, out var existing)
                    ? string.Join(", ", existing.Split(", ").Concat(values).Distinct().Take(MaxCaptureValues))
                    : string.Join(", ", values);
            }

            diagnoses.Add(new Diagnosis
            {
                Id = signature.Id,
                Title = signature.Title,
                Severity = signature.Severity,
                Confidence = signature.Confidence,
                Evidence = evidence,
                Occurrences = occurrences[s],
                Explanation = signature.Explanation,
                Remediation = signature.Remediation,
                References = signature.References,
                Captures = captures,
            });
        }

        return diagnoses
            .OrderByDescending(d => d.Severity)
            .ThenBy(d => d.Evidence.Count > 0 ? d.Evidence[0].Line ?? int.MaxValue : int.MaxValue)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Indices of the patterns whose regex matches the message, follow-ups first (a B on the same record as
    /// an A does not count as "A then B"). Logs repeat the same message many times (error floods, retries),
    /// so the answer is memoised per message text; the memo is bounded and simply cleared when full.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] MatchingPatterns(string message)
    {
        if (memo.TryGetValue(message, out var cached))
        {
            return cached;
        }

        stamp++;
        triggered.Clear();
        foreach (var p in set.UnfilteredPatterns)
        {
            Trigger(p);
        }

        set.ForEachTriggered(message, trigger);
        triggered.RemoveAll(i => !set.Patterns[i].Line.Regex.IsMatch(message));
        triggered.Sort((a, b) => set.Patterns[b].IsFollowUp.CompareTo(set.Patterns[a].IsFollowUp));
        var result = triggered.Count == 0 ? [] : triggered.ToArray();
        if (memo.Count >= MaxMemoEntries)
        {
            memo.Clear();
        }

        if (message.Length <= MaxMemoKeyChars)
        {
            memo[message] = result;
        }

        return result;
    }

    /// <summary>DESIGN.md §5: a guard is satisfied when no facts exist (a bare log file).</summary>
    internal static bool GuardHolds(Signature signature, FactSet facts) =>
        signature.When is null || facts.Count == 0 || signature.When.Holds(facts);

    private void Trigger(int index)
    {
        if (triggeredStamp[index] != stamp)
        {
            triggeredStamp[index] = stamp;
            triggered.Add(index);
        }
    }

    private static bool Within(FollowUp followUp, LogRecord anchor, LogRecord record)
    {
        if (record.Line <= anchor.Line)
        {
            return false;
        }

        var lines = record.Line - anchor.Line;
        if (followUp.WithinLines is int maxLines && lines > maxLines)
        {
            return false;
        }

        if (followUp.WithinSeconds is double maxSeconds)
        {
            if (anchor.Seconds is double a && record.Seconds is double b)
            {
                return b - a >= 0 && b - a <= maxSeconds;
            }

            return lines <= FollowUp.FallbackLines;
        }

        return true;
    }

    private static List<(string Name, string Value)> Captures(Regex regex, Match match)
    {
        var list = new List<(string, string)>();
        foreach (var name in regex.GetGroupNames())
        {
            if (name == "0")
            {
                continue;
            }

            var group = match.Groups[name];
            if (group.Success)
            {
                list.Add((name, group.Value));
            }
        }

        return list;
    }

    private sealed class PatternState
    {
        public int Count { get; set; }

        public List<Evidence> Evidence { get; } = [];

        public Dictionary<string, List<string>> Captures { get; } = new(StringComparer.Ordinal);

        public LogRecord? Anchor { get; set; }

        public List<(string Name, string Value)> AnchorCaptures { get; set; } = [];

        public void AddEvidence(LogRecord record)
        {
            if (Evidence.Count < MaxEvidencePerDiagnosis && !Evidence.Any(e => e.Line == record.Line && e.Artifact == record.Artifact))
            {
                var text = record.Text;
                text = text.Length > MaxEvidenceTextChars ? text[..MaxEvidenceTextChars] + "…" : text;
                Evidence.Add(new Evidence(record.Artifact, record.Line, text));
            }
        }

        public void AddCaptures(Regex regex, Match match)
        {
            foreach (var (name, value) in MatchSession.Captures(regex, match))
            {
                AddCapture(name, value);
            }
        }

        public void AddCapture(string name, string value)
        {
            if (!Captures.TryGetValue(name, out var values))
            {
                Captures[name] = values = [];
            }

            if (values.Count < MaxCaptureValues && !values.Contains(value, StringComparer.Ordinal))
            {
                values.Add(value);
            }
        }
    }
}
