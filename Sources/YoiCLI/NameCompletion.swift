import ArgumentParser
import YoiProfiles
import YoiStore

/// Shell completion of the names yoi knows at completion time: Pods from the store, profiles
/// from the registries. A failure (no store yet, a broken registry) completes nothing.
enum NameCompletion {
  static let pods = CompletionKind.custom { _, _, prefix in
    ((try? Stores.pods().pods().map(\.name)) ?? []).filter { $0.hasPrefix(prefix) }
  }

  static let profiles = CompletionKind.custom { _, _, prefix in
    let registry = (try? ProfileContext(workspace: nil, yes: false).resolver())?.registry
    let names = registry?.entries.flatMap { [$0.qualifiedName, $0.name] } ?? []
    return Array(Set(names)).sorted().filter { $0.hasPrefix(prefix) }
  }
}
