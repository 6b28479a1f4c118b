using System.Reflection;
using System.Runtime.InteropServices;

namespace Gateway.Storage;

/// <summary>
/// Points SQLitePCLRaw at the system's libsqlite3. The bundle's provider imports "sqlite3", which the runtime
/// would only find as libsqlite3.so (shipped by the -dev package); a plain Debian or Raspberry Pi OS system has
/// only libsqlite3.so.0, so that name is tried first.
/// </summary>
internal static class SqliteSetup
{
    private static readonly string[] Candidates = ["libsqlite3.so.0", "libsqlite3.so", "libsqlite3.0.dylib", "libsqlite3.dylib", "sqlite3"];
    private static readonly Lock Gate = new();
    private static bool _done;

    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_done) return;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_sqlite3).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // A resolver is already set for this assembly (by the host); leave it alone.
            }
            SQLitePCL.Batteries_V2.Init();
            _done = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != "sqlite3") return IntPtr.Zero;
        foreach (var name in Candidates)
        {
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }
}
