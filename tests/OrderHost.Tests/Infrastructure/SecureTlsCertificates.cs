using System.Diagnostics;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A throw-away PKI made with the openssl command line: a CA, a server certificate for 127.0.0.1 and
/// localhost (subject alternative names) and a client certificate, all signed by the CA, as PEM files.
/// A second, unrelated CA lets a test present a certificate the server must not trust.
/// </summary>
public sealed class SecureTlsCertificates
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private SecureTlsCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertFile => Path.Combine(Directory, "server-cert.pem");

    public string ServerKeyFile => Path.Combine(Directory, "server-key.pem");

    public string ClientCertFile => Path.Combine(Directory, "client-cert.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client-key.pem");

    /// <summary>Signed by <see cref="OtherCaFile"/>, which the server does not trust.</summary>
    public string StrangerCertFile => Path.Combine(Directory, "stranger-cert.pem");

    public string StrangerKeyFile => Path.Combine(Directory, "stranger-key.pem");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    /// <summary>Generates every file into <paramref name="directory"/> (created if missing).</summary>
    public static async Task<SecureTlsCertificates> GenerateAsync(string directory)
    {
        var openssl = await DebianPackage.EnsureToolAsync("openssl", "openssl");
        System.IO.Directory.CreateDirectory(directory);
        var pki = new SecureTlsCertificates(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "server-ext.cnf"), """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=IP:127.0.0.1,DNS:localhost
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "client-ext.cnf"), """
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=clientAuth
            """);

        await MakeCaAsync(openssl, directory, "ca", "OrderHost Test CA");
        await MakeCaAsync(openssl, directory, "other-ca", "Unrelated Test CA");
        await MakeLeafAsync(openssl, directory, "server", "127.0.0.1", "ca", "server-ext.cnf");
        await MakeLeafAsync(openssl, directory, "client", "orderhost-client", "ca", "client-ext.cnf");
        await MakeLeafAsync(openssl, directory, "stranger", "stranger-client", "other-ca", "client-ext.cnf");
        return pki;
    }

    private static async Task MakeCaAsync(string openssl, string directory, string name, string subject)
    {
        await RunAsync(openssl, directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", $"{name}-key.pem");
        await RunAsync(
            openssl, directory, "req", "-x509", "-new", "-key", $"{name}-key.pem", "-sha256", "-days", "2",
            "-subj", $"/CN={subject}", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-out", $"{name}.pem");
    }

    private static async Task MakeLeafAsync(string openssl, string directory, string name, string commonName, string ca, string extensions)
    {
        await RunAsync(openssl, directory, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", $"{name}-key.pem");
        await RunAsync(openssl, directory, "req", "-new", "-key", $"{name}-key.pem", "-subj", $"/CN={commonName}", "-out", $"{name}.csr");
        await RunAsync(
            openssl, directory, "x509", "-req", "-in", $"{name}.csr", "-CA", $"{ca}.pem", "-CAkey", $"{ca}-key.pem", "-CAcreateserial",
            "-days", "2", "-sha256", "-extfile", extensions, "-out", $"{name}-cert.pem");
    }

    private static async Task RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
