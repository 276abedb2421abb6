using System.Text;
using OrderHost.Host.Composition;
using OrderHost.Messaging;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Tests.Security;

/// <summary>
/// deploy/nats/permissions.conf as the modules' declarations imply it: per module, its publications on their
/// per-key subjects, dead letters, the ledger reads it declared, its buckets and its own durable consumers, and
/// replies only on its own inbox prefix. The operator provisions everything.
/// </summary>
internal static class PermissionsFile
{
    private const string Header = """
        # Per-module NATS users for OrderHost (included by secure.conf). GENERATED from the modules' declarations
        # (publications, ledger reads, buckets, consumers): after changing a module run scripts/update-permissions.sh;
        # a test fails when this file drifts from them. Each module may publish only its own events (on their
        # per-key subjects, <step>.<key>), read the ledger only as it declared (from the stream leader to decide an
        # effect, by direct get to show state), use only its own durable consumers and buckets, and read replies only
        # on its own inbox prefix (_INBOX_<module>, set by the host per identity). Modules write dead-letter entries
        # (dlq.orders.<seq>.<step>.<key>) but not the settled markers (dlq.orders.<seq>.settled) that only a replay or
        # delete leaves, so no module can keep a message from ever being dead-lettered. The operator identity provisions
        # streams, consumers and buckets and runs the dead-letter and replay tools.
        # Passwords come from the environment of nats-server (never from this file):
        """;

    public static string Generate(IReadOnlyList<HostedModule> modules)
    {
        var declarations = ModuleDeclarations.Of(modules);
        var nats = NatsOptions.For(declarations.Ledger);
        var text = new StringBuilder(Header).Append('\n');
        text.Append("#   ").AppendJoin(", ", ModuleUser.AllFor(modules).Select(u => u.PasswordVariable)).Append('\n');
        text.Append("# and are given to the host as Nats__Credentials__<Identity>__User / __Password.\n\n");
        text.Append("authorization {\n  users: [\n");
        text.Append($$"""
                {
                  user: {{ModuleUser.Operator.User}}
                  password: ${{ModuleUser.Operator.PasswordVariable}}
                  permissions: {
                    publish: { allow: [">"] }
                    subscribe: { allow: [">"] }
                  }
                }

            """);
        foreach (var module in modules)
        {
            var user = ModuleUser.For(module.Name);
            var allow = PublishAllowed(module.Name, declarations, nats);
            text.Append($$"""
                    {
                      user: {{user.User}}
                      password: ${{user.PasswordVariable}}
                      permissions: {
                        publish: {
                          allow: [

                """);
            foreach (var subject in allow)
            {
                text.Append($"            \"{subject}\",\n");
            }

            text.Append($$"""
                          ]
                        }
                        subscribe: { allow: ["{{user.InboxPrefix}}.>"] }
                      }
                    }

                """);
        }

        return text.Append("  ]\n}\n").ToString();
    }

    private static List<string> PublishAllowed(string module, ModuleDeclarations declarations, NatsOptions nats)
    {
        var stream = nats.Stream.Name;
        var reads = declarations.LedgerReads.Where(r => r.Module == module).Aggregate(LedgerReads.None, (all, r) => all | r.Reads);
        var consumers = declarations.Consumers.Where(c => c.Module == module).Select(c => c.DurableName).ToList();
        var allow = new List<string>();
        allow.AddRange(declarations.Publications.Where(p => p.Module == module).Select(p => $"{p.Event.Subject}.*"));
        allow.Add(new DeadLetterSubjects(declarations.Ledger).EntryFilter); // entries only: a settled marker is the operator's, or a module could keep a message from ever being dead-lettered
        allow.Add("$JS.API.INFO");
        if (reads.HasFlag(LedgerReads.Direct))
        {
            allow.Add($"$JS.API.DIRECT.GET.{stream}");
        }

        if (reads.HasFlag(LedgerReads.FromLeader))
        {
            allow.Add($"$JS.API.STREAM.MSG.GET.{stream}");
        }

        foreach (var bucket in declarations.Buckets.Where(b => b.Module == module).Select(b => b.Bucket.Name))
        {
            allow.AddRange([
                $"$KV.{bucket}.>",
                $"$JS.API.STREAM.INFO.KV_{bucket}",
                $"$JS.API.STREAM.MSG.GET.KV_{bucket}",
                $"$JS.API.DIRECT.GET.KV_{bucket}",
                $"$JS.API.DIRECT.GET.KV_{bucket}.>",
            ]);
        }

        allow.AddRange(consumers.SelectMany(c => new[] { $"$JS.API.CONSUMER.CREATE.{stream}.{c}", $"$JS.API.CONSUMER.CREATE.{stream}.{c}.>" }));
        allow.AddRange(consumers.Select(c => $"$JS.API.CONSUMER.INFO.{stream}.{c}"));
        allow.AddRange(consumers.Select(c => $"$JS.API.CONSUMER.MSG.NEXT.{stream}.{c}"));
        allow.AddRange(consumers.Select(c => $"$JS.ACK.{stream}.{c}.>"));
        return allow;
    }
}
