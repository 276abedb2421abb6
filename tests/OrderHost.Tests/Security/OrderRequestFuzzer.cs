using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace OrderHost.Tests.Security;

/// <summary>
/// One generated POST /orders: body bytes, content type (null = none) and headers, and how it was made.
/// <paramref name="Loosening"/> names what JSON the README does not allow was put in last (a quoted number, a
/// comment, a trailing comma, a name in another letter case, a repeated property): such a request is never accepted.
/// </summary>
public sealed record FuzzRequest(
    int Index, byte[] Body, string? ContentType, string? IdempotencyKey, string? CorrelationId, IReadOnlyList<string> Mutations, string? Loosening = null)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Body);
        var preview = text.Length <= 160 ? text : text[..160] + $"…({Body.Length} bytes)";
        return $"#{Index} [{string.Join(", ", Mutations)}] content-type={ContentType ?? "(none)"} idempotency-key={Show(IdempotencyKey)} correlation-id={Show(CorrelationId)} body={preview}";
    }

    private static string Show(string? value) => value is null ? "(none)" : $"'{(value.Length > 40 ? value[..40] + "…" : value)}'";
}

/// <summary>
/// Deterministic mutation fuzzer for POST /orders: starts from a valid order and applies 1–4 random
/// mutations at token, text, byte, structure and header level, then on some requests a loosening (JSON the
/// README does not allow); one in eight is a valid order with only a loosening. The same seed gives the same requests.
/// </summary>
public sealed class OrderRequestFuzzer(int seed)
{
    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "*/*", "application/*",
        "application/json; charset=utf-16", "application/json; charset=utf-32", "application/json; charset=iso-8859-1", "application/json; charset=bogus",
        "application/json; charset=\"", "application/json;;;", "APPLICATION/JSON", "application/merge-patch+json", "application/jsonx", "json", "",
    ];

    private static readonly string[] RandomTokens =
    [
        "null", "true", "false", "0", "-0", "1", "-1", "1e20", "-1e20", "1e400", "1e-400", "0.001", "79228162514264337593543950336", "2147483648",
        "NaN", "Infinity", "-Infinity", "\"\"", "\"x\"", "\"NaN\"", "\"Infinity\"", "\"1e40\"", "\"-0.01\"", "{}", "[]", "[[]]", "{\"a\":{}}", "[{}]",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\\"\"", ",", ":", "{", "}", "[", "]", "\"USD\"", "\"XXX\"", "\"usd\"", "\"customerId\"", "\"items\"", "\"total\"",
    ];

    private static readonly string[] Fields = ["customerId", "items", "total", "currency", "customerEmail", "shippingAddress", "sku", "quantity", "unitPrice"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Random _random = new(seed);

    // Its own stream of choices, so adding a loosening kind does not reshuffle the other mutations.
    private readonly Random _loosen = new(seed ^ 0x10053);

    public int Seed => seed;

    public static string ValidBody(int index) => new JsonObject
    {
        ["customerId"] = $"c-fuzz-{index}",
        ["items"] = new JsonArray(new JsonObject { ["sku"] = "SKU-1", ["quantity"] = 2, ["unitPrice"] = 19.99m }),
        ["total"] = 39.98m,
        ["currency"] = "USD",
    }.ToJsonString();

    public IReadOnlyList<FuzzRequest> Generate(int count) => [.. Enumerable.Range(0, count).Select(Next)];

    private FuzzRequest Next(int index)
    {
        var mutations = new List<string>();
        var body = Encoding.UTF8.GetBytes(ValidBody(index));
        string? contentType = "application/json";
        string? idempotencyKey = null;
        string? correlationId = null;

        // Some requests are a valid order with only a loosening: a lenient reader would accept those.
        var onlyLoosened = _loosen.Next(8) == 0;
        var rounds = onlyLoosened ? 0 : 1 + _random.Next(4);
        for (var round = 0; round < rounds; round++)
        {
            switch (_random.Next(12))
            {
                case 0: body = MutateTokens(body, mutations, "delete"); break;
                case 1: body = MutateTokens(body, mutations, "duplicate"); break;
                case 2: body = MutateTokens(body, mutations, "replace"); break;
                case 3: body = MutateTokens(body, mutations, "swap"); break;
                case 4: body = InsertUnicode(body, mutations); break;
                case 5: body = Truncate(body, mutations); break;
                case 6: body = MutateStructure(body, mutations); break;
                case 7: body = InsertHugeString(body, mutations); break;
                case 8: body = InsertRawBytes(body, mutations); break;
                case 9:
                    idempotencyKey = RandomHeaderValue();
                    mutations.Add("idempotency-key");
                    break;
                case 10:
                    correlationId = RandomHeaderValue();
                    mutations.Add("correlation-id");
                    break;
                default:
                    contentType = _random.Next(8) == 0 ? null : ContentTypes[_random.Next(ContentTypes.Length)];
                    mutations.Add($"content-type {contentType ?? "none"}");
                    break;
            }
        }

        // Last, so no later mutation can take the loosening back out.
        string? loosening = null;
        if (onlyLoosened || _loosen.Next(4) == 0)
        {
            (body, loosening) = Loosen(body);
            mutations.Add(loosening is null ? "loosen (body not a JSON object)" : $"loosen: {loosening}");
        }

        return new FuzzRequest(index, body, contentType, idempotencyKey, correlationId, mutations, loosening);
    }

    /// <summary>
    /// Puts into a body that is a JSON object one thing that lenient readers accept and the README does not;
    /// returns what, or null when the body is not a JSON object (then it is left as it is).
    /// </summary>
    private (byte[] Body, string? Loosening) Loosen(byte[] body)
    {
        if (TryParseObject(body) is not { } node)
        {
            return (body, null);
        }

        var kind = _loosen.Next(5);
        if (kind == 0 && QuoteANumber(node) is { } quoted)
        {
            return (Encoding.UTF8.GetBytes(node.ToJsonString()), quoted);
        }

        if (kind == 1 && RecaseAName(node) is { } recased)
        {
            return (Encoding.UTF8.GetBytes(node.ToJsonString()), recased);
        }

        var text = node.ToJsonString();
        var tokens = Tokenize(text);
        if (kind == 2 && node.Count > 0)
        {
            var (name, value) = node.ElementAt(_loosen.Next(node.Count));
            return (Encoding.UTF8.GetBytes("{" + JsonValue.Create(name).ToJsonString() + ":" + (value?.ToJsonString() ?? "null") + "," + text[1..]), $"'{Escape(name)}' repeated");
        }

        // A value closed by } or ] with no comma before it: the comma then trails.
        var closers = Enumerable.Range(1, tokens.Count - 1).Where(i => tokens[i] is "}" or "]" && tokens[i - 1] is not ("{" or "[")).ToList();
        if (kind == 3 && closers.Count > 0)
        {
            tokens.Insert(closers[_loosen.Next(closers.Count)], ",");
            return (Encoding.UTF8.GetBytes(string.Concat(tokens)), "trailing comma");
        }

        var gaps = Enumerable.Range(0, tokens.Count).Where(i => tokens[i] is "{" or "[" or "," or ":").ToList();
        var comment = _loosen.Next(2) == 0 ? "/* fuzz */" : "// fuzz\n";
        tokens.Insert(gaps[_loosen.Next(gaps.Count)] + 1, comment);
        return (Encoding.UTF8.GetBytes(string.Concat(tokens)), $"comment {Escape(comment)}");
    }

    /// <summary>total, or a line's quantity or unitPrice, as a JSON string of the same number.</summary>
    private string? QuoteANumber(JsonObject node)
    {
        var lines = node["items"] is JsonArray items ? items.OfType<JsonObject>().ToList() : [];
        var candidates = lines.SelectMany(l => new[] { (Owner: l, Name: "quantity"), (Owner: l, Name: "unitPrice") })
            .Prepend((Owner: node, Name: "total"))
            .Where(c => c.Owner[c.Name] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var (owner, name) = candidates[_loosen.Next(candidates.Count)];
        var number = owner[name]!.ToJsonString();
        owner[name] = number;
        return $"{name} quoted \"{number}\"";
    }

    /// <summary>A property of the order or of a line renamed to another letter case.</summary>
    private string? RecaseAName(JsonObject node)
    {
        var lines = node["items"] is JsonArray items ? items.OfType<JsonObject>() : [];
        var candidates = lines.Prepend(node)
            .SelectMany(o => o.Select(p => (Owner: o, p.Key, Renamed: Recased(p.Key))))
            .Where(c => c.Renamed != c.Key && !c.Owner.ContainsKey(c.Renamed))
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var (owner, key, renamed) = candidates[_loosen.Next(candidates.Count)];
        var value = owner[key];
        owner.Remove(key);
        owner[renamed] = value;
        return $"'{Escape(key)}' renamed '{Escape(renamed)}'";
    }

    private string Recased(string name) => _loosen.Next(2) == 0
        ? name.ToUpperInvariant()
        : name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private byte[] MutateTokens(byte[] body, List<string> mutations, string kind)
    {
        var tokens = Tokenize(Encoding.UTF8.GetString(body));
        if (tokens.Count == 0)
        {
            mutations.Add($"{kind} (no tokens)");
            return body;
        }

        var i = _random.Next(tokens.Count);
        switch (kind)
        {
            case "delete":
                mutations.Add($"delete token {tokens[i]}");
                tokens.RemoveAt(i);
                break;
            case "duplicate":
                mutations.Add($"duplicate token {tokens[i]}");
                tokens.Insert(i, tokens[i]);
                break;
            case "replace":
                var replacement = RandomToken();
                mutations.Add($"replace token {tokens[i]} with {replacement}");
                tokens[i] = replacement;
                break;
            default:
                var j = _random.Next(tokens.Count);
                mutations.Add($"swap tokens {tokens[i]} and {tokens[j]}");
                (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                break;
        }

        return Encoding.UTF8.GetBytes(string.Concat(tokens));
    }

    private byte[] InsertUnicode(byte[] body, List<string> mutations)
    {
        var text = Encoding.UTF8.GetString(body);
        var at = _random.Next(text.Length + 1);
        var inserted = new StringBuilder();
        var length = 1 + _random.Next(6);
        for (var i = 0; i < length; i++)
        {
            inserted.Append(_random.Next(6) switch
            {
                0 => ((char)_random.Next(0x00, 0x20)).ToString(),
                1 => ((char)_random.Next(0x7F, 0xA0)).ToString(),
                2 => char.ConvertFromUtf32(_random.Next(0x10000, 0x10FFFF)),
                3 => "\u202E\u200B\uFEFF",
                4 => $"\\u{_random.Next(0xD800, 0xE000):x4}",
                _ => ((char)_random.Next(0xA0, 0xD800)).ToString(),
            });
        }

        mutations.Add($"unicode at {at}: {Escape(inserted.ToString())}");
        return Encoding.UTF8.GetBytes(text.Insert(at, inserted.ToString()));
    }

    private byte[] Truncate(byte[] body, List<string> mutations)
    {
        var at = _random.Next(body.Length);
        mutations.Add($"truncate at {at}");
        return body[..at];
    }

    private byte[] InsertHugeString(byte[] body, List<string> mutations)
    {
        var size = _random.Next(3) switch
        {
            0 => _random.Next(60, 200),
            1 => _random.Next(1_000, 20_000),
            _ => _random.Next(60_000, 80_000),
        };
        var node = TryParseObject(body);
        var huge = new string((char)('a' + _random.Next(26)), size);
        if (node is null)
        {
            mutations.Add($"append {size} chars");
            return [.. body, .. Encoding.UTF8.GetBytes(huge)];
        }

        var field = Fields[_random.Next(Fields.Length)];
        SetSomewhere(node, field, huge);
        mutations.Add($"huge string ({size}) in {field}");
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private byte[] InsertRawBytes(byte[] body, List<string> mutations)
    {
        byte[][] sequences = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00], [0xEF, 0xBB, 0xBF]];
        var chosen = sequences[_random.Next(sequences.Length)];
        var at = _random.Next(body.Length + 1);
        mutations.Add($"raw bytes {Convert.ToHexString(chosen)} at {at}");
        return [.. body[..at], .. chosen, .. body[at..]];
    }

    private byte[] MutateStructure(byte[] body, List<string> mutations)
    {
        var node = TryParseObject(body);
        if (node is null)
        {
            mutations.Add("structure (not an object)");
            return body;
        }

        var field = Fields[_random.Next(Fields.Length)];
        switch (_random.Next(5))
        {
            case 0:
                RemoveSomewhere(node, field);
                mutations.Add($"remove {field}");
                break;
            case 1:
                var value = RandomValue(2);
                SetSomewhere(node, field, value);
                mutations.Add($"set {field} = {Escape(value?.ToJsonString() ?? "null")}");
                break;
            case 2:
                var unknown = $"x{_random.Next(1000)}";
                node[unknown] = RandomValue(3);
                mutations.Add($"unknown property {unknown}");
                break;
            case 3:
                var lines = _random.Next(2) == 0 ? _random.Next(2, 20) : _random.Next(100, 400);
                node["items"] = new JsonArray([.. Enumerable.Range(0, lines).Select(i => (JsonNode)new JsonObject { ["sku"] = $"S{i}", ["quantity"] = 1, ["unitPrice"] = 1 })]);
                node["total"] = _random.Next(2) == 0 ? lines : lines + 1;
                mutations.Add($"{lines} lines");
                break;
            default:
                node["shippingAddress"] = RandomAddress();
                node["customerEmail"] = _random.Next(2) == 0 ? "a@b.example" : Escape(RandomHeaderValue() ?? string.Empty);
                mutations.Add("address and email");
                break;
        }

        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private JsonObject RandomAddress() => new()
    {
        ["line1"] = _random.Next(4) == 0 ? "" : "1 Main Street",
        ["line2"] = _random.Next(2) == 0 ? null : new string('l', _random.Next(0, 120)),
        ["city"] = _random.Next(4) == 0 ? null : "Springfield",
        ["postalCode"] = _random.Next(4) == 0 ? new string('9', 20) : "12345",
        ["country"] = new[] { "US", "DE", "us", "USA", "", "\u0000\u0000" }[_random.Next(6)],
    };

    private JsonNode? RandomValue(int depth) => _random.Next(depth <= 0 ? 6 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.NextDouble() * Math.Pow(10, _random.Next(-5, 30)) * (_random.Next(2) == 0 ? 1 : -1)),
        3 => JsonValue.Create(_random.Next(int.MinValue, int.MaxValue)),
        4 => JsonValue.Create(RandomString()),
        5 => JsonValue.Create((decimal)_random.Next(0, 100000) / 100),
        6 => new JsonArray([.. Enumerable.Range(0, _random.Next(4)).Select(_ => RandomValue(depth - 1))]),
        7 => new JsonObject { ["sku"] = RandomValue(depth - 1), ["quantity"] = RandomValue(depth - 1), ["unitPrice"] = RandomValue(depth - 1) },
        _ => new JsonObject { [RandomString()] = RandomValue(depth - 1) },
    };

    private string RandomString()
    {
        var length = _random.Next(0, 80);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(_random.Next(5) switch
            {
                0 => (char)_random.Next(0, 0x20),
                1 => (char)_random.Next(0x20, 0x7F),
                2 => (char)_random.Next(0x7F, 0x800),
                3 => (char)_random.Next(0x800, 0xD800),
                _ => (char)_random.Next(0xE000, 0xFFFE),
            });
        }

        return text.ToString();
    }

    /// <summary>A header value HttpClient will still send: no CR, LF or NUL (those never reach the server).</summary>
    private string? RandomHeaderValue() => _random.Next(10) switch
    {
        0 => string.Empty,
        1 => " ",
        2 => new string('k', 129),
        3 => new string('k', _random.Next(1, 129)),
        4 => "key with spaces",
        5 => "k\u0001\u0002\u007f",
        6 => "schlüssel-ü",
        7 => "\u263A\U0001F600",
        8 => "\tkey\t",
        _ => $"k-{_random.Next():x}",
    };

    private string RandomToken() => RandomTokens[_random.Next(RandomTokens.Length)];

    private void SetSomewhere(JsonObject node, string field, JsonNode? value)
    {
        if (field is "sku" or "quantity" or "unitPrice")
        {
            if (node["items"] is JsonArray { Count: > 0 } items && items[_random.Next(items.Count)] is JsonObject line)
            {
                line[field] = value;
                return;
            }
        }

        node[field] = value;
    }

    private static void RemoveSomewhere(JsonObject node, string field)
    {
        if (field is "sku" or "quantity" or "unitPrice" && node["items"] is JsonArray { Count: > 0 } items && items[0] is JsonObject line)
        {
            line.Remove(field);
            return;
        }

        node.Remove(field);
    }

    private static JsonObject? TryParseObject(byte[] body)
    {
        try
        {
            // Parsing is lazy: invalid UTF-8 or a lone surrogate escape only fails when the node is read or written.
            _ = StrictUtf8.GetString(body);
            var node = (JsonNode.Parse(body) as JsonObject)?.DeepClone() as JsonObject;
            _ = node?.ToJsonString();
            return node;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Splits JSON text into strings, numbers/literals, punctuation and whitespace runs (lossless).</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var c = text[i];
            if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                i = Math.Min(i + 1, text.Length);
            }
            else if ("{}[],:".Contains(c, StringComparison.Ordinal))
            {
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
            }
            else
            {
                while (i < text.Length && !"{}[],:\" ".Contains(text[i], StringComparison.Ordinal))
                {
                    i++;
                }
            }

            tokens.Add(text[start..i]);
        }

        return tokens;
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text.Length > 40 ? text[..40] : text)
        {
            escaped.Append(c is < ' ' or (>= '\u007f' and < '\u00a0') ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : c.ToString());
        }

        return escaped.ToString();
    }
}
