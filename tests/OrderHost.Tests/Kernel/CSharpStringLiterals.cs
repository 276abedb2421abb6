using System.Text;

namespace OrderHost.Tests.Kernel;

/// <summary>
/// The text of every string literal in C# source, with its line: regular, verbatim, interpolated (the literal parts;
/// strings nested in a hole are literals of their own) and raw. Comments, character literals and code are skipped,
/// so identifiers and namespaces never count. Raw interpolated strings are taken whole, holes included (stricter).
/// </summary>
internal static class CSharpStringLiterals
{
    public static IReadOnlyList<(int Line, string Text)> In(string source)
    {
        var found = new List<(int, string)>();
        var reader = new Reader(source, found);
        reader.Code(untilCloseBrace: false);
        return found;
    }

    private sealed class Reader(string source, List<(int, string)> found)
    {
        private int _at;

        private char Peek(int ahead = 0) => _at + ahead < source.Length ? source[_at + ahead] : '\0';

        private int Line => source.AsSpan(0, Math.Min(_at, source.Length)).Count('\n') + 1;

        /// <summary>Reads code up to the end, or to the brace that closes an interpolation hole.</summary>
        public void Code(bool untilCloseBrace)
        {
            var depth = 0;
            while (_at < source.Length)
            {
                var c = Peek();
                if (c == '/' && Peek(1) == '/')
                {
                    while (_at < source.Length && Peek() != '\n')
                    {
                        _at++;
                    }
                }
                else if (c == '/' && Peek(1) == '*')
                {
                    var end = source.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                    _at = end < 0 ? source.Length : end + 2;
                }
                else if (c == '\'')
                {
                    CharLiteral();
                }
                else if (StringStart() is { } start)
                {
                    String(start.Dollars, start.Verbatim, start.Prefix);
                }
                else if (untilCloseBrace && c == '{')
                {
                    depth++;
                    _at++;
                }
                else if (untilCloseBrace && c == '}')
                {
                    if (depth == 0)
                    {
                        return;
                    }

                    depth--;
                    _at++;
                }
                else
                {
                    _at++;
                }
            }
        }

        private (int Dollars, bool Verbatim, int Prefix)? StringStart()
        {
            var i = _at;
            var dollars = 0;
            var verbatim = false;
            while (i < source.Length && (source[i] == '$' || source[i] == '@'))
            {
                dollars += source[i] == '$' ? 1 : 0;
                verbatim |= source[i] == '@';
                i++;
            }

            // An identifier such as @class is code.
            return i < source.Length && source[i] == '"' ? (dollars, verbatim, i - _at) : null;
        }

        private void CharLiteral()
        {
            _at++;
            while (_at < source.Length && Peek() != '\'')
            {
                _at += Peek() == '\\' ? 2 : 1;
            }

            _at++;
        }

        private void String(int dollars, bool verbatim, int prefix)
        {
            var line = Line;
            _at += prefix;
            var quotes = 0;
            while (Peek(quotes) == '"')
            {
                quotes++;
            }

            if (quotes >= 3)
            {
                Raw(line, quotes);
                return;
            }

            _at++;
            var text = new StringBuilder();
            while (_at < source.Length)
            {
                var c = Peek();
                if (c == '"' && verbatim && Peek(1) == '"')
                {
                    text.Append('"');
                    _at += 2;
                }
                else if (c == '"')
                {
                    _at++;
                    break;
                }
                else if (c == '\\' && !verbatim)
                {
                    text.Append(c).Append(Peek(1));
                    _at += 2;
                }
                else if (dollars > 0 && c == '{' && Peek(1) == '{')
                {
                    text.Append('{');
                    _at += 2;
                }
                else if (dollars > 0 && c == '}' && Peek(1) == '}')
                {
                    text.Append('}');
                    _at += 2;
                }
                else if (dollars > 0 && c == '{')
                {
                    _at++;
                    Code(untilCloseBrace: true);
                    _at++;
                }
                else
                {
                    text.Append(c);
                    _at++;
                }
            }

            found.Add((line, text.ToString()));
        }

        private void Raw(int line, int quotes)
        {
            _at += quotes;
            var close = new string('"', quotes);
            var end = source.IndexOf(close, _at, StringComparison.Ordinal);
            end = end < 0 ? source.Length : end;
            found.Add((line, source[_at..end]));
            _at = Math.Min(source.Length, end + quotes);
        }
    }
}
