import Testing
import YoiTools

@Suite("Ticket ids")
struct TicketIDTests {
  @Test("an id is YYYYMMDD-HHMMSS-slug, the slug kebab-case and at most 52 bytes; anything else is not a ticket directory")
  func ids() {
    for valid in ["20261203-101500-parser-drops-comments", "20261203-101500-a", "20261203-101500-x2", "20261203-101500-" + String(repeating: "a", count: 52)] {
      #expect(TicketStore.isValidID(valid), "\(valid)")
    }
    for invalid in [
      "", "20261203-101500-", "20261203-101500--a", "20261203-101500-a-", "20261203-101500-a--b", "20261203-101500-Parser", "2026120-1015000-a",
      "20261203_101500-a", "2026120x-101500-a", "20261203-10150x-a", "20261203-101500-" + String(repeating: "a", count: 53), "20261203-101500-é",
      "20261203-101500-a/b", "../../etc", "20261203-101500-a.md",
    ] {
      #expect(!TicketStore.isValidID(invalid), "\(invalid)")
    }
  }
}
