namespace Gateway.HomeAssistant;

/// <summary>
/// One value of a device's Home Assistant state document, before it is written as JSON: a number, a text, or
/// neither (JSON null). The throttle compares these, so a reading costs no formatting until a document is sent.
/// </summary>
public readonly record struct HaStateValue(string Key, double? Number, string? Text)
{
    public static HaStateValue Of(string key, double number) => new(key, number, null);
    public static HaStateValue Of(string key, string? text) => new(key, null, text);
    public static HaStateValue Null(string key) => new(key, null, null);

    public bool IsNull => Number is null && Text is null;
}
