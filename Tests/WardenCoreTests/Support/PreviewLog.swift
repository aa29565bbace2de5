@testable import WardenCore

/// The step previews a `--step` run showed, in order, answered with a fixed
/// decision: what the operator would have seen before each step.
actor PreviewLog {
    private(set) var previews: [StepPreview] = []
    private let answer: StepDecision

    init(answer: StepDecision) {
        self.answer = answer
    }

    func ask(_ preview: StepPreview) -> StepDecision {
        previews.append(preview)
        return answer
    }

    /// The preview of step `id`; nil when it was never shown.
    func preview(of id: String) -> StepPreview? {
        previews.first { $0.id == id }
    }
}
