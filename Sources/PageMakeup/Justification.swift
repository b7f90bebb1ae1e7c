/// Vertical justification: the room a column group leaves, spread as whole lines of space
/// under module heads and between blocks in the legs, or counted as holes.
extension ModularPlanner {
    /// Spreads `lines` of added depth over the modules of a group, a line at a time to whichever
    /// costs least, moving the modules below down; returns the cost terms (holes included).
    func distribute(_ lines: Int, width: Int, over modules: inout [PlannedModule]) -> CostTerms {
        var terms = CostTerms()
        guard !modules.isEmpty else {
            if lines > 0 { terms[.holes] = PlanCost.hole * Double(lines * width) }
            return terms
        }
        var shift = 0
        var stretch = 0.0, holes = 0
        // A group holds a handful of modules: the tallies live on the stack.
        withUnsafeTemporaryAllocation(of: (added: Int, current: Double, next: Double).self, capacity: modules.count) { tally in
            for i in modules.indices {
                tally[i] = (0, Self.justifyCost(modules[i], extra: 0).cost, Self.justifyCost(modules[i], extra: 1).cost)
            }
            for _ in 0..<lines {
                var best = 0
                for i in modules.indices where tally[i].next - tally[i].current < tally[best].next - tally[best].current { best = i }
                tally[best].added += 1
                tally[best].current = tally[best].next
                tally[best].next = Self.justifyCost(modules[best], extra: tally[best].added + 1).cost
            }
            for i in modules.indices {
                let added = tally[i].added
                modules[i].top += shift
                let (c, h) = Self.justify(&modules[i], extra: added)
                modules[i].depth += added
                shift += added
                holes += h
                stretch += c - Double(h) * PlanCost.hole
            }
        }
        terms[.stretch] = stretch
        terms[.holes] = Double(holes) * PlanCost.hole
        return terms
    }

    /// Sets how a module takes `extra` more lines: one under its head, the rest in each leg at
    /// its block boundaries (two lines each at most); returns the cost and the hole lines left.
    static func justify(_ module: inout PlannedModule, extra: Int) -> (Double, Int) {
        let result = justifyCost(module, extra: extra, legs: true)
        module.headPad = result.pad
        module.legExtra = result.legExtra
        module.holes = result.holes
        return (result.cost, result.holes)
    }

    /// What `justify` decides, computed without changing the module; `legExtra` only when asked.
    static func justifyCost(_ module: PlannedModule, extra: Int, legs: Bool = false) -> (cost: Double, holes: Int, pad: Int, legExtra: [Int]) {
        guard let fit = module.fit else { return (PlanCost.boxLine * Double(extra), 0, 0, []) }
        return justifyCost(fit, depth: module.depth, headLines: module.headLines, width: module.width, extra: extra, legs: legs)
    }

    /// The same for a body `fit` in a module `depth` lines deep under `headLines` of head.
    static func justifyCost(_ fit: BodyFit, depth: Int, headLines: Int, width: Int, extra: Int,
                            legs: Bool = false) -> (cost: Double, holes: Int, pad: Int, legExtra: [Int]) {
        let module = (width: width, depth: depth, headLines: headLines)
        let body = module.depth - module.headLines + extra
        let pad = extra > 0 && fit.stretchable ? 1 : 0
        var cost = 0.0, holes = 0
        var legExtra: [Int] = []
        if legs { legExtra.reserveCapacity(module.width) }
        for c in 0..<module.width {
            let reserve = fit.end != nil && c == module.width - 1 ? 1 : 0
            let want = max(0, body - pad - reserve - fit.legEnds[c])
            let take = min(want, fit.stretchable ? 2 * fit.gaps[c] : 0)
            if legs { legExtra.append(take) }
            holes += want - take
            if take > 0 { cost += PlanCost.stretch * Double(take * take) / Double(max(1, fit.gaps[c])) }
        }
        return (cost + Double(holes) * PlanCost.hole, holes, pad, legExtra)
    }
}
