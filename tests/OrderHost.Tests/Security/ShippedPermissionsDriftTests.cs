using OrderHost.Host.Composition;

namespace OrderHost.Tests.Security;

/// <summary>
/// deploy/nats/permissions.conf is generated from the module table's declarations and names, at its top, every
/// password it reads; secure.conf includes it. After an intended change run scripts/update-permissions.sh (UPDATE_SHIPPED=1) and review the diff.
/// </summary>
[TestFixture]
public sealed class ShippedPermissionsDriftTests
{
    [Test]
    public void Permissions_conf_is_what_the_modules_declare()
    {
        var generated = PermissionsFile.Generate(ModuleTable.Shipped);
        if (Environment.GetEnvironmentVariable("UPDATE_SHIPPED") == "1")
        {
            File.WriteAllText(ShippedPermissions.ShippedFile, generated);
        }

        Assert.That(File.ReadAllText(ShippedPermissions.ShippedFile).ReplaceLineEndings("\n"), Is.EqualTo(generated),
            "deploy/nats/permissions.conf differs from the modules' declarations: run scripts/update-permissions.sh and review the diff");
    }

    [Test]
    public void Secure_conf_includes_them_and_the_generated_file_lists_every_password_variable()
    {
        var secure = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ShippedPermissions.ShippedFile)!, "secure.conf"));
        var header = string.Concat(File.ReadLines(ShippedPermissions.ShippedFile).TakeWhile(line => line.StartsWith('#')));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secure, Does.Contain("include ./permissions.conf"));
            foreach (var user in ShippedPermissions.All)
            {
                Assert.That(header, Does.Contain(user.PasswordVariable), $"permissions.conf's header names {user.PasswordVariable}");
            }
        }
    }

    [Test]
    public void A_module_added_to_the_table_gets_its_own_user_with_only_its_consumer()
    {
        var generated = PermissionsFile.Generate([.. ModuleTable.Shipped, Modules.Audit.AuditModuleEntry.Entry]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(generated, Does.Contain("user: orderhost-audit"));
            Assert.That(generated, Does.Contain("password: $ORDERHOST_AUDIT_PASSWORD"));
            Assert.That(generated, Does.Contain("\"$JS.API.CONSUMER.MSG.NEXT.ORDERS.audit-paid\""));
            Assert.That(generated, Does.Contain("subscribe: { allow: [\"_INBOX_audit.>\"] }"));
        }
    }
}
