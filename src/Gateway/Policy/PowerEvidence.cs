namespace Gateway.Policy;

/// <summary>What one fresh reading says about the mains: on line, on battery, or nothing to go by.</summary>
public enum PowerEvidence { Unknown, OnLine, OnBattery }
