namespace OrderHost.Orders.Contracts;

/// <summary>Where the order goes. <c>Country</c> is an ISO 3166-1 alpha-2 code.</summary>
public sealed record ShippingAddress(string Line1, string? Line2, string City, string PostalCode, string Country);
