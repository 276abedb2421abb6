global using System.Diagnostics;
global using NATS.Client.Core;
global using NATS.Client.JetStream;
global using NATS.Client.JetStream.Models;
global using OrderHost.TestSupport;
