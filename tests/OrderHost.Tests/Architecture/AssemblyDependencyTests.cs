using System.Reflection;

namespace OrderHost.Tests.Architecture;

/// <summary>The compiled modules keep to the rule: no module uses another module's implementation or the Host.</summary>
[TestFixture]
public sealed class AssemblyDependencyTests
{
    public static IEnumerable<TestCaseData> ForbiddenPairs()
    {
        foreach (var module in ModuleAssemblies.Modules)
        {
            foreach (var forbidden in ModuleAssemblies.Modules.Where(m => m != module).Append(ModuleAssemblies.Host))
            {
                yield return new TestCaseData(module, forbidden)
                    .SetArgDisplayNames(ModuleAssemblies.NameOf(module), ModuleAssemblies.NameOf(forbidden));
            }
        }
    }

    public static IEnumerable<TestCaseData> ContractAssemblies()
        => ModuleAssemblies.Contracts.Select(c => new TestCaseData(c).SetArgDisplayNames(ModuleAssemblies.NameOf(c)));

    [TestCaseSource(nameof(ForbiddenPairs))]
    public void Module_does_not_depend_on_another_module_or_the_host(Assembly module, Assembly forbidden)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AssemblyDependencies.TypesUsing(module, forbidden), Is.Empty, "types using it");
            Assert.That(AssemblyDependencies.References(module, forbidden), Is.False, "assembly reference");
        }
    }

    [TestCaseSource(nameof(ContractAssemblies))]
    public void Contracts_depend_only_on_the_kernel(Assembly contracts)
    {
        Assert.That(AssemblyDependencies.OrderHostReferences(contracts), Is.SubsetOf(new[] { ModuleAssemblies.NameOf(ModuleAssemblies.Messaging) }));
    }

    [Test]
    public void Kernel_depends_on_no_orderhost_assembly()
    {
        Assert.That(AssemblyDependencies.OrderHostReferences(ModuleAssemblies.Messaging), Is.Empty);
    }

    // The checks above can fail: the same checks find the dependencies that do exist.

    [Test]
    public void Checker_finds_the_hosts_use_of_a_module()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AssemblyDependencies.TypesUsing(ModuleAssemblies.Host, ModuleAssemblies.Orders), Is.Not.Empty);
            Assert.That(AssemblyDependencies.References(ModuleAssemblies.Host, ModuleAssemblies.Orders), Is.True);
        }
    }

    [Test]
    public void Checker_finds_a_modules_use_of_contracts_and_tells_them_from_the_implementation()
    {
        using (Assert.EnterMultipleScope())
        {
            // Payments handles OrderCreated from OrderHost.Orders.Contracts...
            Assert.That(AssemblyDependencies.TypesUsing(ModuleAssemblies.Payments, ModuleAssemblies.OrdersContracts), Is.Not.Empty);
            Assert.That(AssemblyDependencies.References(ModuleAssemblies.Payments, ModuleAssemblies.OrdersContracts), Is.True);

            // ...which a namespace-prefix match on "OrderHost.Orders" would mistake for the Orders implementation.
            Assert.That(AssemblyDependencies.TypesUsing(ModuleAssemblies.Payments, ModuleAssemblies.Orders), Is.Empty);
        }
    }

    [Test]
    public void Checker_lists_contracts_references_of_a_module()
    {
        Assert.That(AssemblyDependencies.OrderHostReferences(ModuleAssemblies.Orders), Does.Contain(ModuleAssemblies.NameOf(ModuleAssemblies.PaymentsContracts)));
    }
}
