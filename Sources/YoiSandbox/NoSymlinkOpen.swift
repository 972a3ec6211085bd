import Glibc
public import YoiCSandbox

/// Opening a path the scope checker approved, so that what is opened is that path: no symlink
/// in any component is followed (a directory swapped for a symlink between the check and the
/// open fails with ELOOP instead of leading outside the scope, DESIGN.md §12.5).
public enum NoSymlinkOpen {
  /// A descriptor for absolute `path`, or -1 with errno set.
  public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) -> Int32 {
    yoi_open_no_symlinks(path, flags, UInt32(mode))
  }
}
