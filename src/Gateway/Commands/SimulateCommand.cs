using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;

namespace Gateway.Commands;

/// <summary>
/// <c>gateway simulate must|em340 [--port PTY]</c>: a simulated device as a Modbus RTU slave on a serial
/// port or pty, for the real drivers or other Modbus tools (mbpoll). Without --port it makes its own pty
/// and prints the path. Control it on stdin: <c>cut</c>, <c>restore</c>, <c>fault N</c>, <c>clear</c>,
/// <c>overload on|off</c>, <c>miss N</c>, <c>status</c>.
/// </summary>
internal static class SimulateCommand
{
    public static CliCommand Create()
    {
        var cmd = new CliCommand("simulate", "Run a simulated MUST UPS or EM340 meter as a Modbus RTU slave on a serial port or pty");
        cmd.Subcommands.Add(Device("must", "Simulated MUST EP20 UPS (slave 10, 9600 8N1)", 10));
        cmd.Subcommands.Add(Device("em340", "Simulated Carlo Gavazzi EM340 meter (address 1, 9600 8N1)", 1));
        return cmd;
    }

    private static CliCommand Device(string kind, string description, int defaultAddress)
    {
        var port = new CliOption("--port", "Serial device or pty to serve on (default: create a pty and print its path)", CliValueKind.Text, "PATH", "-p");
        var address = new CliOption("--address", $"Modbus slave address (default {defaultAddress})", CliValueKind.Integer, "ADDRESS", "--slave");
        var baud = new CliOption("--baud", "Baud rate to configure on a real port (default 9600)", CliValueKind.Integer, "BAUD");
        var wireTiming = new CliOption("--wire-timing", "Delay replies by the time the frames would take on the wire at --baud");
        var seed = new CliOption("--seed", "Random seed for reproducible wander", CliValueKind.Integer, "SEED");
        var cmd = new CliCommand(kind, description) { Options = { port, address, baud, wireTiming, seed } };
        cmd.Action = (pr, ct) => RunAsync(kind, pr.Value(port), pr.Int(address, defaultAddress)!.Value, pr.Int(baud, 9600)!.Value, pr.Flag(wireTiming), pr.Int(seed), ct);
        return cmd;
    }

    public static async Task<int> RunAsync(string kind, string? port, int address, int baud, bool wireTiming, int? seed, CancellationToken ct)
    {
        if (address is < 1 or > 247)
        {
            Console.Error.WriteLine($"error: --address must be 1..247, got {address}");
            return ExitCodes.BadInput;
        }
        if (Array.IndexOf(Gateway.Configuration.SerialPortOptions.Bauds, baud) < 0)
        {
            Console.Error.WriteLine($"error: --baud must be one of {string.Join(", ", Gateway.Configuration.SerialPortOptions.Bauds)}");
            return ExitCodes.BadInput;
        }
        var time = TimeProvider.System;
        var must = kind == "must" ? new MustSimulator(time, (byte)address, seed) : null;
        var meter = kind == "em340" ? new Em340Simulator(time, (byte)address, seed) : null;
        IModbusSlaveDevice device = (IModbusSlaveDevice?)must ?? meter!;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = Task.Run(() => ReadControls(must, meter, stop), CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            Stream stream;
            try
            {
                if (port is null)
                {
                    var pty = PseudoTerminal.Create();
                    Console.WriteLine($"{kind} simulator (address {address}) on {pty.SlavePath}");
                    stream = pty.MasterStream();
                }
                else
                {
                    stream = PosixSerialPort.Open(new SerialSettings(port, baud)).AsStream();
                    Console.WriteLine($"{kind} simulator (address {address}) on {port}");
                }
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"cannot open {port}: {e.Message}; retrying in 1 s");
                try { await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
                continue;
            }
            await using (stream.ConfigureAwait(false))
            {
                var server = new ModbusSlaveServer(stream, [device], time, wireTiming ? baud : null);
                try
                {
                    await server.RunAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (IOException e)
                {
                    Console.Error.WriteLine($"port lost: {e.Message}; reopening in 1 s");
                    try { await Task.Delay(TimeSpan.FromSeconds(1), stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
                }
            }
        }
        return ExitCodes.Ok;
    }

    private static void ReadControls(MustSimulator? must, Em340Simulator? meter, CancellationTokenSource stop)
    {
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            switch (words[0].ToLowerInvariant())
            {
                case "cut": must?.LoseMains(); meter?.LoseMains(); break;
                case "restore": must?.RestoreMains(); meter?.RestoreMains(); break;
                case "fault" when words.Length > 1 && ushort.TryParse(words[1], out var id): must?.RaiseFault(id); break;
                case "clear": must?.ClearFault(); must?.SetOverload(false); break;
                case "overload": must?.SetOverload(words.Length < 2 || words[1] != "off"); break;
                case "miss" when words.Length > 1 && int.TryParse(words[1], out var n): meter?.MissRequests(n); break;
                case "quit" or "exit": stop.Cancel(); return;
                case "status": break;
                default:
                    Console.Error.WriteLine("commands: cut, restore, fault N, clear, overload on|off, miss N, status, quit");
                    continue;
            }
            Console.WriteLine(must is not null
                ? $"mains {(must.MainsPresent ? "on" : "off")}, battery {must.StateOfCharge:0.0} %"
                : $"mains {(meter!.MainsPresent ? "on" : "off")}, mode {meter.Mode}");
        }
    }
}
