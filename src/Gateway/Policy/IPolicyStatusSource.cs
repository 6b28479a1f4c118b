namespace Gateway.Policy;

/// <summary>Reads the policy's current status (implemented by the policy runner).</summary>
public interface IPolicyStatusSource
{
    PolicyStatus Current { get; }
}
