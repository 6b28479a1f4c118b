namespace Gateway.Policy;

/// <summary>Where the shutdown policy stands. JSON/MQTT names: normal, on_battery, shutdown_pending, shutting_down.</summary>
public enum PolicyState { Normal, OnBattery, ShutdownPending, ShuttingDown }
