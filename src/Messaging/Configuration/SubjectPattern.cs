namespace OrderHost.Messaging.Configuration;

/// <summary>NATS subject matching: <c>*</c> stands for one token, a final <c>&gt;</c> for one or more.</summary>
internal static class SubjectPattern
{
    public static bool Matches(string pattern, string subject)
    {
        var patternTokens = pattern.Split('.');
        var subjectTokens = subject.Split('.');
        for (var i = 0; i < patternTokens.Length; i++)
        {
            if (patternTokens[i] == ">")
            {
                return i == patternTokens.Length - 1 && subjectTokens.Length > i;
            }

            if (i >= subjectTokens.Length || (patternTokens[i] != "*" && patternTokens[i] != subjectTokens[i]))
            {
                return false;
            }
        }

        return patternTokens.Length == subjectTokens.Length;
    }

    public static bool AnyMatches(IEnumerable<string> patterns, string subject) => patterns.Any(p => Matches(p, subject));
}
