using System.Reflection;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>
/// The audit host (tests/OrderHost.AuditHost: the shipped host plus the audit module) as this test run built it:
/// the tests project references it, so building the tests builds it, once, in the same configuration.
/// </summary>
internal static class AuditHostBuild
{
    public const string EntryAssembly = "OrderHost.AuditHost.dll";

    public static string Dll()
    {
        var configuration = typeof(AuditHostBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = "net" + Environment.Version.ToString(2);
        var dll = Path.Combine(RepositoryRoot.Find(), "tests", "OrderHost.AuditHost", "bin", configuration, framework, EntryAssembly);
        return File.Exists(dll) && File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json"))
            ? dll
            : throw new InvalidOperationException($"{dll} (and its runtimeconfig.json) not found: build the tests (dotnet build tests/OrderHost.Tests).");
    }
}
