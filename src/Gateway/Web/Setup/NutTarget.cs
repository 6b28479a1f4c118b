namespace Gateway.Web.Setup;

/// <summary>A configured <c>type: nut</c> device the NUT test can use (the password stays on the gateway).</summary>
public sealed record NutTarget(string Device, string Host, int Port, string Ups, string? Username, bool PasswordSet);
