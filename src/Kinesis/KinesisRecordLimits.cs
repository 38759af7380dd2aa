// The per-record limits (partition key 1–256 characters; data plus key ≤ 1 MiB), checked before anything is sent.
using System.Text;

namespace Basketball.Kinesis;

internal static class KinesisRecordLimits
{
    public const string RecordTooLarge = "RecordTooLarge";
    public const string InvalidPartitionKey = "InvalidPartitionKey";

    /// <summary>Why a record cannot be sent (an error code and a message), or null if it can.</summary>
    public static (string Code, string Message)? Violation(KinesisOptions options, string? partitionKey, ReadOnlyMemory<byte> data)
    {
        if (string.IsNullOrEmpty(partitionKey)) return (InvalidPartitionKey, "The partition key is empty.");
        if (partitionKey.Length > options.PartitionKeyMaxLength)
            return (InvalidPartitionKey,
                $"The partition key has {partitionKey.Length} characters; at most {options.PartitionKeyMaxLength} are allowed.");
        var size = Size(partitionKey, data);
        if (size > options.RecordMaxBytes)
            return (RecordTooLarge,
                $"The record is {size} bytes (data plus partition key); at most {options.RecordMaxBytes} are allowed.");
        return null;
    }

    /// <summary>Throws ArgumentException for an invalid record; returns its size toward the request limit.</summary>
    public static long ThrowIfInvalid(KinesisOptions options, string? partitionKey, ReadOnlyMemory<byte> data)
    {
        if (Violation(options, partitionKey, data) is { } violation) throw new ArgumentException(violation.Message);
        return Size(partitionKey!, data);
    }

    public static long Size(string partitionKey, ReadOnlyMemory<byte> data) =>
        (long)data.Length + Encoding.UTF8.GetByteCount(partitionKey);
}
