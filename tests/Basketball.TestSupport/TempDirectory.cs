// A directory under /tmp that is deleted with the test.
namespace Basketball.TestSupport;

public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "basketball-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that has not let go of a file yet: leave the directory for the OS temp cleaner.
        }
    }
}
