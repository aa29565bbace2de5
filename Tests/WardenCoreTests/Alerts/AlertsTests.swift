import Foundation
import Testing
@testable import WardenCore

/// The alert layer of incident automation (issue 16), without HTTP: decoding
/// Alertmanager deliveries, label matchers, rule templates, and the decider.
@Suite("Alerts")
enum AlertsTests {}
