using System.Reflection;
using NetArchTest.Rules;

namespace OrderHost.Tests.Architecture;

/// <summary>
/// Which types of one assembly use types defined in another. Matching is by the other assembly's own
/// types, not by namespace prefix: OrderHost.Orders.Contracts starts with "OrderHost.Orders" but is
/// a different assembly that every module may use.
/// </summary>
public static class AssemblyDependencies
{
    /// <summary>Types of <paramref name="subject"/> that depend on a type defined in <paramref name="target"/>.</summary>
    public static IReadOnlyList<string> TypesUsing(Assembly subject, Assembly target)
    {
        var result = Types.InAssembly(subject).ShouldNot().HaveDependencyOnAny([.. DefinedTypeNames(target)]).GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames ?? []];
    }

    /// <summary>Whether the compiler recorded a reference from <paramref name="subject"/> to <paramref name="target"/>.</summary>
    public static bool References(Assembly subject, Assembly target)
        => subject.GetReferencedAssemblies().Any(a => a.Name == target.GetName().Name);

    /// <summary>The OrderHost assemblies <paramref name="subject"/> references, by name.</summary>
    public static IReadOnlyList<string> OrderHostReferences(Assembly subject)
        => [.. subject.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).Where(n => n.StartsWith("OrderHost", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    // Top-level OrderHost types only: nested types share their parent's name as a prefix, and compiler-embedded
    // attributes (System.Runtime.CompilerServices.NullableAttribute…) exist under one name in every assembly.
    private static IEnumerable<string> DefinedTypeNames(Assembly assembly)
        => assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith("OrderHost", StringComparison.Ordinal) == true)
            .Select(t => t.FullName!)
            .Where(n => !n.Contains('<', StringComparison.Ordinal));
}
