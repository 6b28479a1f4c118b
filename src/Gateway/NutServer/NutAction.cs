namespace Gateway.NutServer;

/// <summary>Privileged actions of upsd.users.</summary>
public enum NutAction { Login, Primary, Fsd, Set }
