public import YoiDiagnostics
import Foundation
import YoiManifest

/// Where yoi keeps configuration and data (DESIGN.md §6):
/// config `YOI_CONFIG_DIR` > `YOI_HOME/config` > `XDG_CONFIG_HOME/yoi` > `~/.config/yoi`;
/// data `YOI_DATA_DIR` > `YOI_HOME` > `~/.yoi`.
public struct YoiDirectories: Sendable, Hashable {
  public var config: String
  public var data: String

  public init(config: String, data: String) {
    self.config = config
    self.data = data
  }

  /// The directories for `environment` (the process environment by default).
  public static func from(environment: Environment = .process) -> YoiDirectories {
    let config =
      environment[.yoiConfigDirectory]
      ?? environment[.yoiHome].map { $0 + "/config" }
      ?? environment[.xdgConfigHome].map { $0 + "/yoi" }
      ?? environment.home + "/.config/yoi"
    let data = environment[.yoiDataDirectory] ?? environment[.yoiHome] ?? environment.home + "/.yoi"
    let cwd = FileManager.default.currentDirectoryPath
    return YoiDirectories(config: PathLexer.join(cwd, config), data: PathLexer.join(cwd, data))
  }
}
