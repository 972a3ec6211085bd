/// "Did you mean" suggestions from edit distance.
public enum Suggestion {
  /// The candidate closest to `word`, if it is close enough to be a plausible typo.
  public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
    // Edit distance is quadratic; no typo of a name is this long (a 30 MB one took seconds).
    guard word.utf8.count <= maximumWordBytes else { return nil }
    let lowered = word.lowercased()
    // An abbreviation ("desc" for "description") is as good a hint as a typo.
    if lowered.count >= 3, let abbreviated = candidates.filter({ $0.lowercased().hasPrefix(lowered) && $0.count > lowered.count }).min() {
      return abbreviated
    }
    let target = Array(lowered.utf8)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(target, Array(candidate.lowercased().utf8))
      if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.candidate) {
        best = (candidate, distance)
      }
    }
    guard let best else { return nil }
    // A third of the word's length, at least one edit: "workr" -> "worker", not "x" -> "slug".
    let allowed = max(1, min(target.count, best.candidate.utf8.count) / 3)
    return best.distance <= allowed ? best.candidate : nil
  }

  /// Words longer than this get no suggestion.
  public static let maximumWordBytes = 128

  /// A `help:` line for `word`, or nil when nothing is close.
  public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
    closest(to: word, in: candidates).map { "did you mean `\($0)`?" }
  }

  /// Levenshtein distance with transpositions counted as one edit.
  static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previousPrevious[j - 2] + 1)
        }
      }
      (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
  }
}
