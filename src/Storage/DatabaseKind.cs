namespace Basketball.Storage;

/// <summary>The SQL databases the ingress stores (checkpoints, dead letters) and the journal can live in.</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}
