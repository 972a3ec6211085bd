import YoiDiagnostics

/// The documented merge of two `PodManifestConfig` trees (`--manifest` over the builtin
/// defaults): tables merge key by key, recursively; everything else in the overlay replaces
/// the base value whole. Lists replace (no concatenation), and so do tables that are one
/// value rather than a set of settings: `model.auth`, `compaction` and the scope intents,
/// where mixing two halves could produce something neither file said.
public enum ConfigMerge {
  /// Paths whose tables replace rather than merge.
  public static let wholeValues: Set<String> = ["model.auth", "compaction", "scope", "delegation_scope"]

  /// `overlay` merged over `base`.
  public static func merge(_ overlay: JSONObject, over base: JSONObject, path: String = "") -> JSONObject {
    var result = base
    for member in overlay {
      let memberPath = KeyPath.join(path, member.key)
      if case .object(let overlayTable) = member.value, case .object(let baseTable)? = base[member.key],
        !wholeValues.contains(memberPath)
      {
        result[member.key] = .object(merge(overlayTable, over: baseTable, path: memberPath))
      } else {
        result[member.key] = member.value
      }
    }
    return result
  }
}
