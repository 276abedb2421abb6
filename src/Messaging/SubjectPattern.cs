namespace OrderHost.Messaging;

/// <summary>
/// NATS subject matching: <c>*</c> stands for one token, a final <c>&gt;</c> for one or more. Token by token over
/// spans, so matching allocates nothing (a ledger read checks every reply it gets).
/// </summary>
internal static class SubjectPattern
{
    public static bool Matches(string pattern, string subject)
    {
        var rest = pattern.AsSpan();
        var tokens = subject.AsSpan();
        while (true)
        {
            var patternDot = rest.IndexOf('.');
            var wanted = patternDot < 0 ? rest : rest[..patternDot];
            if (wanted is ">")
            {
                return patternDot < 0 && !tokens.IsEmpty;
            }

            var subjectDot = tokens.IndexOf('.');
            var token = subjectDot < 0 ? tokens : tokens[..subjectDot];
            if (token.IsEmpty || (wanted is not "*" && !wanted.SequenceEqual(token)))
            {
                return false;
            }

            if (patternDot < 0 || subjectDot < 0)
            {
                return patternDot < 0 && subjectDot < 0;
            }

            rest = rest[(patternDot + 1)..];
            tokens = tokens[(subjectDot + 1)..];
        }
    }

    public static bool AnyMatches(IEnumerable<string> patterns, string subject) => patterns.Any(p => Matches(p, subject));
}
