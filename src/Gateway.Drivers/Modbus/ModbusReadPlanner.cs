namespace Gateway.Drivers.Modbus;

/// <summary>
/// Builds the fewest reads that cover a register table within a device's limits: per function, in address
/// order, each read extended while it stays within <paramref name="maxCount"/> registers and bridges no gap
/// longer than <paramref name="maxGap"/> unmapped registers (some devices refuse to read those). Greedy
/// extension is optimal here: no plan with fewer reads exists.
/// </summary>
public static class ModbusReadPlanner
{
    public static ModbusReadBlock[] Plan(IEnumerable<ModbusRegister> registers, int maxCount = ModbusRequest.MaxReadCount, int maxGap = int.MaxValue)
    {
        if (maxCount is < 1 or > ModbusRequest.MaxReadCount) throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "1..125 registers");
        var blocks = new List<ModbusReadBlock>();
        foreach (var group in registers.GroupBy(r => r.Function).OrderBy(g => g.Key))
        {
            int start = -1, end = -1;
            foreach (var r in group.OrderBy(r => r.Address))
            {
                if (r.Words > maxCount) throw new ArgumentException($"register {r.Key} needs {r.Words} registers, more than the {maxCount} one read may carry", nameof(registers));
                if (start >= 0 && Math.Max(end, r.End) - start <= maxCount && r.Address - end <= maxGap)
                {
                    end = Math.Max(end, r.End);
                    continue;
                }
                if (start >= 0) blocks.Add(new ModbusReadBlock(group.Key, (ushort)start, (ushort)(end - start)));
                start = r.Address;
                end = r.End;
            }
            if (start >= 0) blocks.Add(new ModbusReadBlock(group.Key, (ushort)start, (ushort)(end - start)));
        }
        return blocks.ToArray();
    }
}
