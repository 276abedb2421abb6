global using NUnit.Framework;
global using OrderHost.TestSupport;
