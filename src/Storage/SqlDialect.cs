// The few places where SQLite and PostgreSQL SQL differ for the ingress stores, kept in one spot.
using System.Data.Common;
using System.Globalization;

namespace Basketball.Storage;

public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(DatabaseKind.Sqlite);
    public static readonly SqlDialect Postgres = new(DatabaseKind.Postgres);

    private SqlDialect(DatabaseKind kind) => Kind = kind;

    public DatabaseKind Kind { get; }

    public static SqlDialect For(DatabaseKind kind) => kind == DatabaseKind.Sqlite ? Sqlite : Postgres;

    public string BooleanType => Kind == DatabaseKind.Sqlite ? "INTEGER" : "BOOLEAN";
    public string BlobType => Kind == DatabaseKind.Sqlite ? "BLOB" : "BYTEA";
    public string TimestampType => Kind == DatabaseKind.Sqlite ? "TEXT" : "TIMESTAMPTZ";
    public string False => Kind == DatabaseKind.Sqlite ? "0" : "FALSE";

    public string AutoIncrementPrimaryKey =>
        Kind == DatabaseKind.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    /// <summary>A text column whose comparisons are byte-wise (SQLite's default; PostgreSQL needs "C").</summary>
    public string BinaryText => Kind == DatabaseKind.Sqlite ? "TEXT" : "TEXT COLLATE \"C\"";

    public DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = ToDbValue(value);
        command.Parameters.Add(parameter);
        return parameter;
    }

    public void SetValue(DbParameter parameter, object? value) => parameter.Value = ToDbValue(value);

    private object ToDbValue(object? value) => value switch
    {
        null => DBNull.Value,
        // SQLite has no timestamp type: ISO-8601 in UTC with a fixed width, which also sorts correctly as text.
        DateTimeOffset time when Kind == DatabaseKind.Sqlite =>
            time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture),
        // Npgsql writes timestamptz only from UTC values.
        DateTimeOffset time => time.ToUniversalTime(),
        bool flag when Kind == DatabaseKind.Sqlite => flag ? 1L : 0L,
        _ => value,
    };

    public DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) =>
        Kind == DatabaseKind.Sqlite
            ? DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public bool ReadBoolean(DbDataReader reader, int ordinal) =>
        Kind == DatabaseKind.Sqlite ? reader.GetInt64(ordinal) != 0 : reader.GetBoolean(ordinal);

    public static string? ReadNullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
