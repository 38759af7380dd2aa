// Typed Kinesis errors, from the JSON error body's "__type" (or the HTTP status when there is none).
using System.Net;

namespace Basketball.Kinesis;

public enum KinesisErrorKind
{
    Unknown,
    ProvisionedThroughputExceeded,
    Throttling,
    LimitExceeded,
    ExpiredIterator,
    ExpiredNextToken,
    ResourceNotFound,
    ResourceInUse,
    InvalidArgument,
    Validation,
    AccessDenied,
    Authentication,
    KmsThrottling,
    Kms,
    InternalFailure,
    ServiceUnavailable,
}

public class KinesisException : Exception
{
    public KinesisException(KinesisErrorKind kind, string errorType, string message, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base($"{errorType}: {message}", inner)
    {
        Kind = kind;
        ErrorType = errorType;
        ErrorMessage = message;
        StatusCode = statusCode;
    }

    public KinesisErrorKind Kind { get; }
    /// <summary>The service's error type without its namespace, e.g. <c>ExpiredIteratorException</c>.</summary>
    public string ErrorType { get; }
    public string ErrorMessage { get; }
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Whether trying the same call again later can succeed (throttling, limits, server faults).</summary>
    public bool IsRetryable => IsRetryableKind(Kind);

    public static bool IsRetryableKind(KinesisErrorKind kind) => kind is
        KinesisErrorKind.ProvisionedThroughputExceeded or KinesisErrorKind.Throttling or KinesisErrorKind.LimitExceeded
        or KinesisErrorKind.KmsThrottling or KinesisErrorKind.InternalFailure or KinesisErrorKind.ServiceUnavailable;

    /// <summary>Maps "com.amazonaws.kinesis.v20131202#ExpiredIteratorException" or "ExpiredIteratorException" to a kind.</summary>
    public static KinesisErrorKind KindOf(string? errorType, HttpStatusCode? status = null)
    {
        var name = ShortType(errorType);
        return name switch
        {
            "ProvisionedThroughputExceededException" => KinesisErrorKind.ProvisionedThroughputExceeded,
            "ThrottlingException" => KinesisErrorKind.Throttling,
            "LimitExceededException" => KinesisErrorKind.LimitExceeded,
            "ExpiredIteratorException" => KinesisErrorKind.ExpiredIterator,
            "ExpiredNextTokenException" => KinesisErrorKind.ExpiredNextToken,
            "ResourceNotFoundException" => KinesisErrorKind.ResourceNotFound,
            "ResourceInUseException" => KinesisErrorKind.ResourceInUse,
            "InvalidArgumentException" => KinesisErrorKind.InvalidArgument,
            "ValidationException" or "SerializationException" or "UnknownOperationException" => KinesisErrorKind.Validation,
            "AccessDeniedException" => KinesisErrorKind.AccessDenied,
            "KMSThrottlingException" => KinesisErrorKind.KmsThrottling,
            "InternalFailure" or "InternalFailureException" or "InternalServerError" => KinesisErrorKind.InternalFailure,
            "ServiceUnavailable" or "ServiceUnavailableException" => KinesisErrorKind.ServiceUnavailable,
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException"
                or "MissingAuthenticationTokenException" or "ExpiredTokenException" => KinesisErrorKind.Authentication,
            _ when name.StartsWith("KMS", StringComparison.Ordinal) => KinesisErrorKind.Kms,
            _ when status is { } s && (int)s == 503 => KinesisErrorKind.ServiceUnavailable,
            _ when status is { } s && (int)s >= 500 => KinesisErrorKind.InternalFailure,
            _ => KinesisErrorKind.Unknown,
        };
    }

    public static string ShortType(string? errorType)
    {
        if (string.IsNullOrEmpty(errorType)) return string.Empty;
        var name = errorType;
        var hash = name.LastIndexOf('#');
        if (hash >= 0) name = name[(hash + 1)..];
        var colon = name.IndexOf(':'); // the x-amzn-ErrorType header form "Type:http://…"
        if (colon >= 0) name = name[..colon];
        return name.Trim();
    }
}
