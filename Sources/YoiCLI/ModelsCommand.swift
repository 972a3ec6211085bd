import ArgumentParser
import YoiManifest
import YoiPods
import YoiProfiles
import YoiStore

/// `yoi models`: the catalog (with `<config>/models.toml`) and whether each model's credential
/// is at hand. Never a value: only where a key is, or what would provide it.
struct ModelsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models", abstract: "List the model catalog and whether each model's credential is present.")

  @Flag(help: "Print JSON for scripts.") var json = false

  func run() throws {
    let context = ProfileContext(workspace: nil, yes: false)
    let catalog = try ModelCatalogFile.load(configDirectory: context.directories.config)
    let models = ModelAvailability.models(in: catalog, stored: Set(try Stores.secrets().ids()))
    if json {
      let rows: [JSONValue] = models.map { model in
        [
          "ref": .string(model.ref), "scheme": .string(model.scheme), "base_url": .string(model.baseURL),
          "context_window": .integer(model.contextWindow), "reasoning": .bool(model.reasoning),
          "credential": ["state": .string(model.credential.state), "detail": .string(model.credential.detail)],
        ]
      }
      Terminal.writeExact(CanonicalJSON.pretty(.array(rows)))
      return
    }
    var rows = [["MODEL", "SCHEME", "WINDOW", "REASONING", "CREDENTIAL"]]
    for model in models {
      rows.append([
        model.ref, model.scheme, Self.tokens(model.contextWindow), model.reasoning ? "yes" : "no",
        model.credential.isPresent ? model.credential.detail : "missing: \(model.credential.detail)",
      ])
    }
    Terminal.write(TextTable.render(rows))
  }

  /// 1000000 → 1M, 1050000 → 1.05M, 272000 → 272K.
  static func tokens(_ count: Int64) -> String {
    if count >= 1_000_000 {
      let hundredths = (count + 5000) / 10000
      let fraction = hundredths % 100
      return "\(hundredths / 100)" + (fraction == 0 ? "" : fraction % 10 == 0 ? ".\(fraction / 10)" : ".\(fraction < 10 ? "0" : "")\(fraction)") + "M"
    }
    return count >= 1000 ? "\(count / 1000)K" : "\(count)"
  }
}
