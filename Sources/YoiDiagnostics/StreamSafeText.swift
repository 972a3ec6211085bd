/// Unicode's Stream-Safe Text Format (UAX #15): no more than 30 combining marks (non-starters)
/// in a row. Swift compares and hashes `String`s by canonical equivalence, which reorders
/// each run of combining marks; a run of 40,000 alternating marks made one dictionary lookup
/// take seconds and a profile key 16 s. No real text has such runs, so strings from profiles
/// and registries that break the rule are refused before Swift compares or hashes them.
public enum StreamSafeText {
  /// The longest run of non-starters the format allows.
  public static let maximumNonStarters = 30

  /// Whether `text` has no run of more than 30 combining marks (answered from the bytes
  /// alone for ASCII text).
  public static func isStreamSafe(_ text: String) -> Bool {
    if UTF8Bytes.isASCII(text) { return true }
    var run = 0
    for scalar in text.unicodeScalars {
      if scalar.value >= 0x300, scalar.properties.canonicalCombiningClass.rawValue != 0 {
        run += 1
        if run > maximumNonStarters { return false }
      } else {
        run = 0
      }
    }
    return true
  }

  /// The sentence a diagnostic uses for a string that is not stream-safe.
  public static let problem =
    "the text has more than \(maximumNonStarters) combining marks in a row, which no real text needs (Unicode Stream-Safe Text Format)"
}
