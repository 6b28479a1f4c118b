namespace Gateway.Configuration;

/// <summary>
/// An options record that writes every setting it holds, under its snake_case key, into a
/// <see cref="FingerprintWriter"/>: what the live-apply fingerprint compares (records compare lists by reference).
/// A property left out here is a setting whose change the running gateway would not notice
/// (tests/Gateway.Tests/LiveApply/FingerprintCoverageTests.cs changes each property in turn to catch that).
/// </summary>
public interface IFingerprinted
{
    void WriteFingerprint(FingerprintWriter w);
}
