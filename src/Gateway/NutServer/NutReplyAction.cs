namespace Gateway.NutServer;

/// <summary>What the connection does after sending the reply to one request.</summary>
public enum NutReplyAction { Continue, Close, StartTls }
