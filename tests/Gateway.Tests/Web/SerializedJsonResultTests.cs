using System.Text;
using System.Text.Json;
using Gateway.Web;

namespace Gateway.Tests.Web;

/// <summary>The web replies' serialization-only context written through its fast path: same JSON as before.</summary>
public sealed class SerializedJsonResultTests
{
    [Fact]
    public void A_reply_keeps_apostrophes_and_angle_brackets_readable_and_leaves_nulls_out()
    {
        var json = Encoding.UTF8.GetString(SerializedJsonResult.ApiBytes(new ApiError("can't reach <ups-1>"), WebReplyJsonContext.Default.ApiError));

        Assert.Equal("""{"error":"can't reach <ups-1>"}""", json);
    }

    [Fact]
    public void Property_names_are_snake_case_and_quotes_are_escaped()
    {
        var reply = new CommandReply("ups-1", "beeper_off", "already_set", "the \"beeper\" is off – nothing to do");

        var json = Encoding.UTF8.GetString(SerializedJsonResult.ApiBytes(reply, WebReplyJsonContext.Default.CommandReply));

        Assert.Equal("""{"device":"ups-1","command":"beeper_off","status":"already_set","message":"the \"beeper\" is off – nothing to do"}""", json);
    }

    [Fact]
    public void The_reply_context_has_no_metadata_to_read_with()
    {
        // Serialization-only: anything that tries to read a reply type must fail loudly, not half-fill a record.
        Assert.Throws<InvalidOperationException>(() => JsonSerializer.Deserialize("{}", WebReplyJsonContext.Default.ApiError));
    }
}
