/// Breaking a paragraph's items into lines.
///
/// Total fit (Knuth & Plass 1981): every legal break of the paragraph is a node of a graph whose
/// edges are feasible lines, each weighted by demerits that grow with the cube of how far its
/// spaces are stretched or shrunk. Dynamic programming over the breaks, left to right, keeps for
/// each reachable break only the best way to reach it (per fitness class and run of hyphenated
/// lines, since those decide the cost of the next line), and drops breaks that no later line can
/// reach without overfilling. The best path to the paragraph's end is the set of lines. Unlike
/// setting line by line, a tight line early can save a loose one later.
///
/// First fit, kept for comparison, fills each line as full as it can and never looks back.
enum LineBreaker {
    struct Parameters {
        var measure: Double
        /// The highest badness a line may have (100 ≈ spaces stretched to their limit).
        var tolerance: Double
        /// Extra stretch every line is assumed to have (TeX's \emergencystretch), last pass only.
        var emergencyStretch: Double = 0
        /// In the last pass a line may be as loose as it must be, and overfull where nothing
        /// else fits, rather than fail.
        var isFinalPass = false
        /// Whether the dictionary's hyphenation points may be taken (TeX's first pass sets
        /// without them; soft hyphens and a word's own hyphens are always allowed).
        var hyphenate = true

        /// TeX's \linepenalty: a line's base cost, so fewer lines win among equals.
        static let linePenalty = 10.0
        /// TeX's \doublehyphendemerits: two hyphenated lines in a row.
        static let doubleHyphenDemerits = 10_000.0
        /// TeX's \finalhyphendemerits: the next-to-last line hyphenated.
        static let finalHyphenDemerits = 5_000.0
        /// TeX's \adjdemerits: a very loose line next to a tight one, or the like.
        static let adjacentFitnessDemerits = 10_000.0
        /// A step added to every line stretched past its limit (r > 1: spaces over 150 % once the
        /// letters have taken their share). The cube alone spreads a hard paragraph's white
        /// evenly, leaving every line of it a little too loose; the step makes the breaker keep
        /// as many lines as it can within the limit, which is what a reader notices. 10⁶ is the
        /// cost of a line at r ≈ 2.1: a step of 10⁵ changed nothing measurable on the sample.
        static let looseLineDemerits = 1_000_000.0
        /// A hard limit, not only a cost: never three hyphenated lines in a row.
        static let maximumConsecutiveHyphens = 2
    }

    struct Result {
        /// Indices of the items the lines break at, the last being the paragraph's end.
        var breaks: [Int]
        /// Lines (by index) that are wider than the measure: nothing else fitted.
        var overfull: [Int]
    }

    private struct Totals {
        var width = 0.0, stretch = 0.0, shrink = 0.0
        /// Stretch of glue alone (word spaces, fills), without the letters' share.
        var glueStretch = 0.0
    }

    private struct Node {
        var position: Int
        var line: Int
        var fitness: Int
        var hyphenRun: Int
        var flagged: Bool
        var totals: Totals
        var demerits: Double
        var previous: Int?
        var overfull: Bool
        /// How far the line starting after this break may hang into the left margin.
        var leftHang: Double
    }

    /// Prefix sums of width, stretch and shrink over the items before each index.
    private static func prefixSums(_ items: [Item]) -> [Totals] {
        var sums = [Totals()]
        sums.reserveCapacity(items.count + 1)
        var t = Totals()
        for item in items {
            if item.kind != .penalty {
                t.width += item.width
                t.stretch += item.stretch
                t.shrink += item.shrink
                if item.kind == .glue { t.glueStretch += item.stretch }
            }
            sums.append(t)
        }
        return sums
    }

    /// A break at `index` is legal at a penalty below infinity, or at glue right after a box.
    static func isLegalBreak(_ items: [Item], _ index: Int) -> Bool {
        switch items[index].kind {
        case .penalty: return items[index].penalty < Item.infinity
        case .glue: return index > 0 && items[index - 1].kind == .box
        case .box: return false
        }
    }

    /// The totals at the start of the line after a break at `index`: glue and penalties after
    /// the break are discarded, up to the next box or forced break.
    private static func totalsAfter(_ index: Int, _ items: [Item], _ sums: [Totals]) -> Totals {
        var i = index + 1
        while i < items.count {
            if items[i].kind == .box { break }
            if items[i].kind == .penalty && items[i].penalty <= -Item.infinity && i > index + 1 { break }
            i += 1
        }
        return sums[min(i, items.count)]
    }

    /// Hanging punctuation at a line's start: its first box's opening quote, if any.
    static func leftHang(_ items: [Item], firstBox: Int?) -> Double {
        firstBox.map { items[$0].leftHang } ?? 0
    }

    /// Hanging punctuation at a break: an added hyphen, or the last character of the box before
    /// it (a period, a comma, a word's own hyphen).
    static func rightHang(_ items: [Item], at index: Int) -> Double {
        if case .hyphen = items[index].content { return items[index].rightHang }
        var i = index - 1
        while i >= 0, items[i].kind == .penalty { i -= 1 }
        return i >= 0 && items[i].kind == .box ? items[i].rightHang : 0
    }

    /// The first box at or after `index`, up to a forced break.
    private static func firstBox(from index: Int, _ items: [Item]) -> Int? {
        var i = index
        while i < items.count {
            if items[i].kind == .box { return i }
            if items[i].kind == .penalty && items[i].penalty <= -Item.infinity { return nil }
            i += 1
        }
        return nil
    }

    /// The adjustment ratio of a line from totals `from` to a break at `index`.
    static func ratio(natural: Double, stretch: Double, shrink: Double, measure: Double) -> Double {
        if natural < measure {
            return stretch > 0 ? (measure - natural) / stretch : .infinity
        } else if natural > measure {
            return shrink > 0 ? (measure - natural) / shrink : -.infinity
        }
        return 0
    }

    /// Knuth & Plass's badness, 100·|r|³; infinite for an overfull line.
    ///
    /// TeX caps it at 10,000 (r ≈ 4.6) for its integer arithmetic, which makes every line looser
    /// than that cost the same: an optimiser then dumps a paragraph's trouble into one line with
    /// spaces twenty times their width. Uncapped, the cube keeps spreading it. A line with no
    /// stretch at all that is short of the measure counts as r = 10.
    static func badness(_ r: Double) -> Double {
        if r < -1 { return .infinity }
        let a = min(abs(r), 10)
        return 100 * a * a * a
    }

    /// TeX's fitness classes: 0 tight, 1 decent, 2 loose, 3 very loose.
    static func fitness(_ r: Double) -> Int {
        r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3
    }

    static func totalFit(_ items: [Item], _ p: Parameters) -> Result? {
        let sums = prefixSums(items)
        var nodes = [Node(position: -1, line: 0, fitness: 1, hyphenRun: 0, flagged: false,
                          totals: totalsAfter(-1, items, sums), demerits: 0, previous: nil, overfull: false,
                          leftHang: leftHang(items, firstBox: firstBox(from: 0, items)))]
        var active = [0]
        var stillActive: [Int] = []
        // The best new node per (fitness, hyphen run), keyed fitness × 8 + run; `found` marks
        // the keys set at this break. Kept across breaks: this loop runs for every legal break.
        var bestDemerits = [Double](filling: 0, count: 32)
        var bestFrom = [Int](filling: 0, count: 32)
        var bestOverfull = [Bool](filling: false, count: 32)

        for b in items.indices where isLegalBreak(items, b) && (p.hyphenate || !items[b].isDictionaryHyphen) {
            let item = items[b]
            let forced = item.kind == .penalty && item.penalty <= -Item.infinity
            let breakWidth = item.kind == .penalty ? item.width : 0
            let hangRight = rightHang(items, at: b)
            var found: UInt32 = 0
            stillActive.removeAll(keepingCapacity: true)
            var deactivated: (demerits: Double, from: Int)?

            for a in active {
                let node = nodes[a]
                let natural = sums[b].width - node.totals.width + breakWidth
                let stretch = sums[b].stretch - node.totals.stretch
                let shrink = sums[b].shrink - node.totals.shrink
                let measure = p.measure + node.leftHang + hangRight
                var r = ratio(natural: natural, stretch: stretch, shrink: shrink, measure: measure)
                // A piece of a long address, or of a word cut where nothing else fits, ending
                // inside it with no word space on its line, cannot be justified whatever the
                // breaks: it is set flush left and counted as loose, not as an impossible line
                // that fails the whole pass.
                if item.isInsideToken && natural <= measure && sums[b].glueStretch - node.totals.glueStretch <= 0 {
                    r = min(r, 1)
                }

                if r < -1 || forced {
                    if r < -1, deactivated == nil || node.demerits < deactivated!.demerits {
                        deactivated = (node.demerits, a)
                    }
                } else {
                    stillActive.append(a)
                }
                guard r >= -1 else { continue }
                if item.flagged && node.hyphenRun >= Parameters.maximumConsecutiveHyphens { continue }
                // Cutting a word between letters is for the last pass only.
                if item.extraDemerits > 0 && !p.isFinalPass { continue }
                let bad = badness(r)
                // Emergency stretch (TeX's \emergencystretch) lets a line pass the tolerance as if
                // every line had that much more stretch; its demerits stay those of the line as it
                // will be set, so the pass still prefers a hyphen to a river.
                let judged = p.emergencyStretch > 0 && natural < measure
                    ? badness(ratio(natural: natural, stretch: stretch + p.emergencyStretch, shrink: shrink, measure: measure))
                    : bad
                guard judged <= p.tolerance || p.isFinalPass else { continue }

                var demerits = (Parameters.linePenalty + bad) * (Parameters.linePenalty + bad)
                if item.kind == .penalty {
                    if item.penalty >= 0 {
                        demerits += item.penalty * item.penalty
                    } else if item.penalty > -Item.infinity {
                        demerits -= item.penalty * item.penalty
                    }
                }
                demerits += item.extraDemerits
                if item.flagged && node.flagged { demerits += Parameters.doubleHyphenDemerits }
                if forced && node.flagged { demerits += Parameters.finalHyphenDemerits }
                // Once past r = 1, and again past r = 2 (spaces at about 200 %).
                if r > 1 { demerits += Parameters.looseLineDemerits }
                if r > 2 { demerits += Parameters.looseLineDemerits }
                let fit = fitness(r)
                if abs(fit - node.fitness) > 1 { demerits += Parameters.adjacentFitnessDemerits }
                demerits += node.demerits
                let run = item.flagged ? node.hyphenRun + 1 : 0
                let key = fit * 8 + run
                if found & (1 << key) == 0 || demerits < bestDemerits[key] {
                    found |= 1 << key
                    bestDemerits[key] = demerits
                    bestFrom[key] = a
                    bestOverfull[key] = false
                }
            }

            // Nothing can reach this break and nothing stays active: in the last pass, accept an
            // overfull line from the best node that could not fit, rather than fail.
            if found == 0 && stillActive.isEmpty, p.isFinalPass, let (d, from) = deactivated {
                found = 1 << 8
                bestDemerits[8] = d + 100_000
                bestFrom[8] = from
                bestOverfull[8] = true
            }
            swap(&active, &stillActive)
            // New nodes in key order.
            var keys = found
            while keys != 0 {
                let key = keys.trailingZeroBitCount
                keys &= keys - 1
                let from = nodes[bestFrom[key]]
                nodes.append(Node(position: b, line: from.line + 1, fitness: key / 8, hyphenRun: key % 8,
                                  flagged: item.flagged, totals: totalsAfter(b, items, sums),
                                  demerits: bestDemerits[key], previous: bestFrom[key], overfull: bestOverfull[key],
                                  leftHang: leftHang(items, firstBox: firstBox(from: b + 1, items))))
                active.append(nodes.count - 1)
            }
            if active.isEmpty { return nil }
        }

        let last = items.count - 1
        guard let end = active.filter({ nodes[$0].position == last }).min(by: { nodes[$0].demerits < nodes[$1].demerits })
        else { return nil }
        var breaks: [Int] = []
        var overfull: [Int] = []
        var cursor: Int? = end
        while let c = cursor, nodes[c].position >= 0 {
            breaks.append(nodes[c].position)
            if nodes[c].overfull { overfull.append(nodes[c].line - 1) }
            cursor = nodes[c].previous
        }
        return Result(breaks: breaks.reversed(), overfull: overfull.sorted())
    }

    /// Greedy: each line takes every item that fits (spaces shrunk at most to their limit),
    /// then breaks at the last place that did.
    static func firstFit(_ items: [Item], measure: Double) -> Result {
        let sums = prefixSums(items)
        var breaks: [Int] = []
        var overfull: [Int] = []
        var start = totalsAfter(-1, items, sums)
        var startHang = leftHang(items, firstBox: firstBox(from: 0, items))
        var lastFit: Int?
        var b = 0
        while b < items.count {
            guard isLegalBreak(items, b) else { b += 1; continue }
            let item = items[b]
            let natural = sums[b].width - start.width + (item.kind == .penalty ? item.width : 0)
            let shrink = sums[b].shrink - start.shrink
            let fits = natural - shrink <= measure + startHang + rightHang(items, at: b) + 1e-9
            let forced = item.kind == .penalty && item.penalty <= -Item.infinity
            if fits {
                if forced {
                    breaks.append(b)
                    start = totalsAfter(b, items, sums)
                    startHang = leftHang(items, firstBox: firstBox(from: b + 1, items))
                    lastFit = nil
                } else {
                    lastFit = b
                }
                b += 1
            } else if let fit = lastFit {
                breaks.append(fit)
                start = totalsAfter(fit, items, sums)
                startHang = leftHang(items, firstBox: firstBox(from: fit + 1, items))
                lastFit = nil
                b = fit + 1
            } else {
                // Not even the first piece fits: set it overfull.
                overfull.append(breaks.count)
                breaks.append(b)
                start = totalsAfter(b, items, sums)
                startHang = leftHang(items, firstBox: firstBox(from: b + 1, items))
                b += 1
            }
        }
        return Result(breaks: breaks, overfull: overfull)
    }
}
