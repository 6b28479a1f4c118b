namespace Gateway.Drivers.Em340;

public enum Em340ValueType
{
    /// <summary>Two words, low word first (CDAB), signed; 0x7FFFFFFF means "no value" (EEE on the display).</summary>
    Int32,
    /// <summary>One signed word; 0x7FFF means "no value".</summary>
    Int16,
}
