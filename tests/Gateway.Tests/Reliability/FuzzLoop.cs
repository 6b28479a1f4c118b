using System.Diagnostics;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Runs <see cref="FuzzBudget.Iterations"/> generated inputs through a parser: only the parser's documented
/// exceptions may escape (anything else fails with the input shown), and the slowest input is timed again
/// so a GC pause is not mistaken for a hang.
/// </summary>
public static class FuzzLoop
{
    public sealed record Result(long Inputs, long DocumentedErrors, TimeSpan Total, TimeSpan Worst);

    public static Result Run<T>(Func<long, T> generate, Action<T> parse, Func<T, string> show, Func<Exception, bool> documented)
    {
        var total = Stopwatch.StartNew();
        var sw = new Stopwatch();
        var worst = TimeSpan.Zero;
        T? worstInput = default;
        long errors = 0;
        for (long i = 0; i < FuzzBudget.Iterations; i++)
        {
            var input = generate(i);
            sw.Restart();
            try
            {
                parse(input);
            }
            catch (Exception e) when (documented(e))
            {
                errors++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input #{i} threw {e.GetType().Name}: {e.Message}\ninput: {show(input)}\n{e}");
            }
            sw.Stop();
            if (sw.Elapsed > worst) { worst = sw.Elapsed; worstInput = input; }
        }
        total.Stop();
        if (worst > FuzzBudget.PerInputLimit)
        {
            // A hang is slow every time; a GC pause or a busy machine is not: the fastest of three tries decides.
            var fastest = TimeSpan.MaxValue;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                sw.Restart();
                try { parse(worstInput!); }
                catch (Exception e) when (documented(e)) { }
                sw.Stop();
                if (sw.Elapsed < fastest) fastest = sw.Elapsed;
            }
            Assert.True(fastest < FuzzBudget.PerInputLimit,
                $"input took {worst.TotalMilliseconds} ms, again at best {fastest.TotalMilliseconds} ms: {show(worstInput!)}");
        }
        return new Result(FuzzBudget.Iterations, errors, total.Elapsed, worst);
    }

    public static string Describe(this Result r) =>
        $"{r.Inputs:N0} inputs in {r.Total.TotalSeconds:F1} s ({r.Total.TotalMilliseconds * 1000 / r.Inputs:F2} µs each), " +
        $"{r.DocumentedErrors:N0} documented errors, slowest input {r.Worst.TotalMilliseconds:F2} ms";

    public static string Hex(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? "(empty)" : Convert.ToHexString(bytes);
}
