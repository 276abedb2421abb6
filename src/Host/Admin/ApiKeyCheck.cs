using System.Security.Cryptography;
using System.Text;

namespace OrderHost.Host.Admin;

/// <summary>
/// The configured <c>Admin:ApiKey</c> and the one way a presented key is compared with it: hashing both sides
/// first makes the comparison constant-time whatever the lengths. Without a key the operator surface is off.
/// </summary>
internal sealed class ApiKeyCheck(string? apiKey)
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(apiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public bool Enabled => _expected is not null;

    /// <summary>A short digest of the key: sessions issued under a key name it, so changing the key ends them.</summary>
    public string? Fingerprint => _expected is null ? null : Convert.ToHexString(SHA256.HashData(_expected), 0, 8);

    public static ApiKeyCheck From(IConfiguration configuration)
        => new(configuration.GetSection(AdminOptions.SectionName).Get<AdminOptions>()?.ApiKey);

    public bool Matches(string? presented)
    {
        if (_expected is null)
        {
            return false;
        }

        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? string.Empty));
        return CryptographicOperations.FixedTimeEquals(actual, _expected);
    }
}
