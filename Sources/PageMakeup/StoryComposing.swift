import Foundation
import IssueModel
import Typesetting

/// Every story's body set, on two threads where there are two cores (see `composeStories`).
extension PagePlanner {
    /// A story's body as set, and the characters no face had and the overfull lines met in it.
    struct ComposedStory: @unchecked Sendable {
        var blocks: [FlowBlock] = []
        /// A house box's depth, when the task was measuring one.
        var depth = 0
        var missing: [Character] = []
        var overfull: [String] = []
    }

    /// Every story's body, set on two threads when `threads` allows and there are several
    /// stories: the second thread has a typesetter of its own (fonts and dictionaries
    /// opened again), the threads take the stories longest first as they come free, and the
    /// results come back in story order, the same as one thread sets them. Then the threads
    /// measure `boxes` (each a house box at a width) with `measure`, the depths coming back in
    /// the order of `boxes`. What the other thread met is added to `composer` in story order,
    /// then in the boxes' order, too.
    /// `spare` is the second thread's composer, when there was one, for more work on that thread.
    /// `meanwhile` runs on the calling thread, with `composer`'s typesetter, first: while the
    /// other thread opens its fonts and dictionaries.
    static func composeStories(_ articles: [Article], composer: inout StoryComposer, spare: inout StoryComposer?,
                               threads: Int, boxes: [(HouseBox, Int)], meanwhile: () throws(FontError) -> Void,
                               measure: @escaping @Sendable (HouseBox, Int, inout StoryComposer) throws(FontError) -> Int)
        throws(FontError) -> (stories: [ComposedStory], boxDepths: [Int]) {
        /// A story set, or a box measured, and what its composer met doing it.
        @Sendable func work(_ task: Int, with composer: inout StoryComposer) throws(FontError) -> ComposedStory {
            let missingBefore = composer.missingCharacters.count, overfullBefore = composer.overfullLines.count
            var done = ComposedStory()
            if task < articles.count {
                done.blocks = try composer.composeBlocks(articles[task])
            } else {
                let (box, width) = boxes[task - articles.count]
                done.depth = try measure(box, width, &composer)
            }
            done.missing = Array(composer.missingCharacters.dropFirst(missingBefore))
            done.overfull = Array(composer.overfullLines.dropFirst(overfullBefore))
            return done
        }
        let taskCount = articles.count + boxes.count
        /// The results as one thread would have met them: stories, then boxes.
        func finish(_ results: [ComposedStory]) -> (stories: [ComposedStory], boxDepths: [Int]) {
            (Array(results.prefix(articles.count)), results.dropFirst(articles.count).map(\.depth))
        }
        guard articles.count > 1, threads > 1 else {
            try meanwhile()
            var out: [ComposedStory] = []
            for task in 0..<taskCount { out.append(try work(task, with: &composer)) }
            return finish(out)
        }
        // Longest first, each thread taking the next story when it is free: the other thread
        // starts late (it opens its own fonts and dictionaries first) and they still end together.
        // The boxes, small, fill in at the end.
        let words = articles.map { $0.wordCount }
        let order = articles.indices.sorted { words[$0] > words[$1] || (words[$0] == words[$1] && $0 < $1) }
            + Array(articles.count..<taskCount)
        final class Shared: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var composer: StoryComposer?
            var results: [Int: ComposedStory] = [:]
            var error: FontError?
            var failed = false
            /// The next task, nil when none is left or a thread failed.
            func take(_ order: [Int]) -> Int? {
                lock.withLock {
                    guard !failed, next < order.count else { return nil }
                    next += 1
                    return order[next - 1]
                }
            }
            func stop() { lock.withLock { failed = true } }
        }
        let shared = Shared()
        let done = DispatchSemaphore(value: 0)
        let makeSibling = composer.siblingMaker()
        SpareThreads.run {
            defer { done.signal() }
            // Without a sibling (it could not open the fonts again) this thread sets nothing.
            guard var sibling = try? makeSibling() else { return }
            var mine: [Int: ComposedStory] = [:]
            do throws(FontError) {
                while let index = shared.take(order) { mine[index] = try work(index, with: &sibling) }
            } catch {
                shared.error = error
                shared.stop()
            }
            shared.results = mine
            shared.composer = sibling
        }
        var results = [ComposedStory](repeating: ComposedStory(), count: taskCount)
        var failure: FontError?
        do throws(FontError) {
            try meanwhile()
        } catch {
            shared.stop()
            done.wait()
            throw error
        }
        // What `meanwhile` met comes first in the lists, as when it ran before the stories.
        let missingBefore = composer.missingCharacters.count, overfullBefore = composer.overfullLines.count
        do throws(FontError) {
            while let index = shared.take(order) { results[index] = try work(index, with: &composer) }
        } catch {
            failure = error
            shared.stop()
        }
        done.wait()
        if let failure = failure ?? shared.error { throw failure }
        for (index, story) in shared.results {
            results[index] = story
        }
        // The lists as one thread would have met them: story by story, then box by box.
        composer.rewind(missing: missingBefore, overfull: overfullBefore)
        for story in results { composer.absorb(missing: story.missing, overfull: story.overfull) }
        // What it met is taken in above: the spare starts its next work with empty lists.
        shared.composer?.rewind(missing: 0, overfull: 0)
        spare = shared.composer
        return finish(results)
    }
}
