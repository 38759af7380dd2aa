// The Kinesis Producer Library's aggregation format, read and written with Google.Protobuf's wire primitives:
//   magic F3 89 9A C2 | protobuf AggregatedRecord | MD5 of the protobuf bytes (16 bytes)
//   message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2;
//                              repeated Record records = 3; }
//   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//                    required bytes data = 3; repeated Tag tags = 4; }
//   message Tag { required string key = 1; optional string value = 2; }
// (the .proto of awslabs/kinesis-aggregation). Hand-written over CodedInputStream rather than generated: three
// small messages, and the reader must tell exactly why an aggregate is bad instead of throwing.
using System.Security.Cryptography;
using Google.Protobuf;

namespace Basketball.Kinesis;

/// <summary>One user record of an aggregate: its own partition key and data, at its place (sub-sequence number).</summary>
public sealed record KplUserRecord(int SubSequenceNumber, string PartitionKey, string? ExplicitHashKey, byte[] Data);

/// <summary>An aggregate read: its user records in order, or why it is malformed.</summary>
public sealed record KplReadResult(IReadOnlyList<KplUserRecord>? Records, string? Problem)
{
    public bool IsValid => Records is not null;
}

public static class KplAggregate
{
    public static ReadOnlySpan<byte> Magic => [0xF3, 0x89, 0x9A, 0xC2];
    public const int ChecksumLength = 16;

    /// <summary>Bytes an aggregate adds besides its records: the magic and the MD5 trailer.</summary>
    public const int FrameOverhead = 4 + ChecksumLength;

    private const uint PartitionKeyTableTag = (1 << 3) | 2;
    private const uint ExplicitHashKeyTableTag = (2 << 3) | 2;
    private const uint RecordsTag = (3 << 3) | 2;
    private const uint PartitionKeyIndexTag = (1 << 3) | 0;
    private const uint ExplicitHashKeyIndexTag = (2 << 3) | 0;
    private const uint DataTag = (3 << 3) | 2;
    private const uint TagsTag = (4 << 3) | 2;

    /// <summary>True when the record starts with the KPL magic bytes (and so must be read as an aggregate).</summary>
    public static bool IsAggregate(ReadOnlySpan<byte> data) => data.StartsWith(Magic);

    /// <summary>Reads an aggregate that starts with the magic bytes. Never throws for bad input.</summary>
    public static KplReadResult Read(ReadOnlySpan<byte> data)
    {
        if (!IsAggregate(data)) return Bad("it does not start with the KPL magic bytes F3 89 9A C2");
        if (data.Length < FrameOverhead) return Bad($"it is {data.Length} bytes, shorter than the magic bytes and the MD5 trailer");
        var body = data[4..^ChecksumLength];
        Span<byte> md5 = stackalloc byte[ChecksumLength];
        MD5.HashData(body, md5);
        if (!md5.SequenceEqual(data[^ChecksumLength..])) return Bad("its MD5 trailer does not match its protobuf bytes");
        try
        {
            return ReadMessage(body.ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            return Bad($"its protobuf AggregatedRecord is malformed ({e.Message})");
        }
    }

    private static KplReadResult ReadMessage(byte[] body)
    {
        var partitionKeys = new List<string>();
        var hashKeys = new List<string>();
        var raw = new List<(ulong PartitionKeyIndex, ulong? HashKeyIndex, byte[] Data)>();
        var input = new CodedInputStream(body);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case PartitionKeyTableTag: partitionKeys.Add(input.ReadString()); break;
                case ExplicitHashKeyTableTag: hashKeys.Add(input.ReadString()); break;
                case RecordsTag:
                    var record = ReadRecord(new CodedInputStream(input.ReadBytes().ToByteArray()));
                    if (record.Problem is not null) return Bad($"user record {raw.Count}: {record.Problem}");
                    raw.Add((record.PartitionKeyIndex, record.HashKeyIndex, record.Data!));
                    break;
                default: input.SkipLastField(); break; // unknown fields are allowed, as protobuf readers do
            }
        }
        if (raw.Count == 0) return Bad("it holds no user records");

        var records = new List<KplUserRecord>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var (keyIndex, hashIndex, recordData) = raw[i];
            if (keyIndex >= (ulong)partitionKeys.Count)
                return Bad($"user record {i} names partition key {keyIndex} of a table of {partitionKeys.Count}");
            if (hashIndex is { } h && h >= (ulong)hashKeys.Count)
                return Bad($"user record {i} names explicit hash key {h} of a table of {hashKeys.Count}");
            records.Add(new KplUserRecord(i, partitionKeys[(int)keyIndex], hashIndex is { } j ? hashKeys[(int)j] : null, recordData));
        }
        return new KplReadResult(records, null);
    }

    private static (ulong PartitionKeyIndex, ulong? HashKeyIndex, byte[]? Data, string? Problem) ReadRecord(CodedInputStream input)
    {
        ulong? keyIndex = null;
        ulong? hashIndex = null;
        byte[]? data = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case PartitionKeyIndexTag: keyIndex = input.ReadUInt64(); break;
                case ExplicitHashKeyIndexTag: hashIndex = input.ReadUInt64(); break;
                case DataTag: data = input.ReadBytes().ToByteArray(); break;
                case TagsTag: input.ReadBytes(); break; // tags carry nothing the pipeline uses
                default: input.SkipLastField(); break;
            }
        }
        if (keyIndex is null) return (0, null, null, "the required partition_key_index is missing");
        if (data is null) return (0, null, null, "the required data is missing");
        return (keyIndex.Value, hashIndex, data, null);
    }

    private static KplReadResult Bad(string problem) => new(null, $"a KPL aggregated record, but {problem}");

    /// <summary>Writes one aggregate of the given user records (partition keys deduplicated into the table).</summary>
    public static byte[] Write(IReadOnlyList<(string PartitionKey, ReadOnlyMemory<byte> Data)> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("An aggregate needs at least one user record.", nameof(records));
        var keyIndexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        foreach (var (key, _) in records)
            if (keyIndexes.TryAdd(key, keys.Count)) keys.Add(key);

        var body = new MemoryStream();
        var output = new CodedOutputStream(body, leaveOpen: true);
        foreach (var key in keys)
        {
            output.WriteTag(PartitionKeyTableTag);
            output.WriteString(key);
        }
        foreach (var (key, data) in records)
        {
            var index = (ulong)keyIndexes[key];
            output.WriteTag(RecordsTag);
            output.WriteLength(RecordBodySize(index, data.Length));
            output.WriteTag(PartitionKeyIndexTag);
            output.WriteUInt64(index);
            output.WriteTag(DataTag);
            output.WriteBytes(UnsafeByteOperations.UnsafeWrap(data));
        }
        output.Flush();

        var protobuf = body.GetBuffer().AsSpan(0, (int)body.Length);
        var result = new byte[4 + protobuf.Length + ChecksumLength];
        Magic.CopyTo(result);
        protobuf.CopyTo(result.AsSpan(4));
        MD5.HashData(protobuf, result.AsSpan(4 + protobuf.Length));
        return result;
    }

    /// <summary>The bytes one user record adds to an aggregate whose table already holds its key.</summary>
    public static int RecordSize(int keyIndex, int dataLength)
    {
        var inner = RecordBodySize((ulong)keyIndex, dataLength);
        return 1 + CodedOutputStream.ComputeLengthSize(inner) + inner;
    }

    /// <summary>The bytes a new partition key adds to the table.</summary>
    public static int KeySize(string key) => 1 + CodedOutputStream.ComputeStringSize(key);

    private static int RecordBodySize(ulong keyIndex, int dataLength) =>
        1 + CodedOutputStream.ComputeUInt64Size(keyIndex) + 1 + CodedOutputStream.ComputeLengthSize(dataLength) + dataLength;
}
