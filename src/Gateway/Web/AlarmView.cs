namespace Gateway.Web;

/// <summary>An active alarm as the API shows it.</summary>
public sealed record AlarmView(string Device, string Kind, string Message, double? Value, double? Threshold, string? Unit, DateTimeOffset Since);
