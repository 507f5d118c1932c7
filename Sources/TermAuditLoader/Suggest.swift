/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    /// The candidate closest to `word`, when it is close enough to be a likely typo.
    static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        // At most 3 edits are ever suggested, and the distance is at least the difference in length: a candidate
        // much shorter or longer is skipped (a hostile value can be megabytes long).
        let n = word.count
        var w: [Character] = []
        var best: (String, Int)?
        for c in candidates where abs(c.count - n) <= 3 {
            if w.isEmpty { w = Array(word.lowercased()) }
            let d = distance(w, Array(c.lowercased()))
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (c, d) = best else { return nil }
        let allowed = max(1, min(3, max(w.count, c.count) / 3))
        return d <= allowed ? c : nil
    }

    /// Levenshtein distance (with adjacent transpositions counted as one edit).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }

    /// `did you mean 'x'?` or a list of what is allowed.
    public static func hint(for word: String, in candidates: [String], noun: String = "value") -> String {
        if let c = closest(to: word, in: candidates) { return "did you mean '\(c)'?" }
        let shown = candidates.prefix(12).map { "'\($0)'" }.joined(separator: ", ")
        return "expected one of: \(shown)\(candidates.count > 12 ? ", …" : "")"
    }
}
