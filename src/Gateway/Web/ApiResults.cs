using Microsoft.AspNetCore.Http;

namespace Gateway.Web;

/// <summary>Replies of the JSON API, always through the source-generated context.</summary>
public static class ApiResults
{
    public static IResult Error(int status, string error, string? detail = null) =>
        SerializedJsonResult.Api(new ApiError(error, detail), WebReplyJsonContext.Default.ApiError, statusCode: status);

    public static IResult BadRequest(string error, string? detail = null) => Error(StatusCodes.Status400BadRequest, error, detail);

    public static IResult NotFound(string error, string? detail = null) => Error(StatusCodes.Status404NotFound, error, detail);
}
