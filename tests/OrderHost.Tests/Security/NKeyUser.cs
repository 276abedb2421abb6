using NATS.NKeys;

namespace OrderHost.Tests.Security;

/// <summary>A fresh NATS user nkey: the public key goes into the server configuration, the seed to the client.</summary>
public sealed record NKeyUser(string PublicKey, string Seed)
{
    public static NKeyUser Create()
    {
        using var pair = KeyPair.CreatePair(PrefixByte.User);
        return new NKeyUser(pair.GetPublicKey(), pair.GetSeed());
    }

    /// <summary>The file <c>nk -gen user</c> writes: the seed alone.</summary>
    public string WriteSeedFile(string directory)
    {
        var path = Path.Combine(directory, $"user-{PublicKey[..8]}.nk");
        File.WriteAllText(path, Seed + "\n");
        return path;
    }

    /// <summary>The public key and the seed, one per line (what <c>nk -gen user -pubout</c> prints, in the other order).</summary>
    public string WriteKeyPairFile(string directory)
    {
        var path = Path.Combine(directory, $"pair-{PublicKey[..8]}.nk");
        File.WriteAllText(path, PublicKey + "\n" + Seed + "\n");
        return path;
    }

    public override string ToString() => PublicKey;
}
