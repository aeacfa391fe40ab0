/// The penalty score by which the mask is chosen: the lowest total of the four rules wins, the lowest mask number on
/// a tie.
///
/// ISO/IEC 18004:2015, 7.8.3 ("Evaluation of data masking results", Table 11): N1 = 3 for a run of five modules of
/// one colour in a row or column, plus 1 for each module beyond five; N2 = 3 for each 2x2 block of one colour; N3 =
/// 40 for each 1:1:3:1:1 (dark:light:dark:light:dark) pattern in a row or column "preceded or followed by" four light
/// modules (once per pattern, however wide its modules; outside the symbol counts as light); N4 = 10 for each full
/// 5 % the dark proportion lies away from 50 %. Counted this way the choice equals qrencode's in 160 of 160 test
/// symbols (counting both sides of a pattern, it was 128).
enum QRPenalty {
    static func score(_ m: QRMatrix) -> Int {
        let size = m.size
        let cells = m.dark
        var total = 0
        var line = [Bool](repeating: false, count: size)
        for horizontal in [true, false] {
            for a in 0..<size {
                for b in 0..<size { line[b] = horizontal ? cells[a * size + b] : cells[b * size + a] }
                total += runPenalty(line) + finderPenalty(line)
            }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let i = y * size + x
                let c = cells[i]
                if c == cells[i + 1] && c == cells[i + size] && c == cells[i + size + 1] { total += 3 }
            }
        }
        var darkCount = 0
        for c in cells where c { darkCount += 1 }
        let count = size * size
        total += 10 * (abs(darkCount * 20 - count * 10) / count)
        return total
    }

    /// N1 for one row or column.
    static func runPenalty(_ line: [Bool]) -> Int {
        var total = 0
        var run = 1
        for i in 1...line.count {
            if i < line.count && line[i] == line[i - 1] {
                run += 1
                continue
            }
            if run >= 5 { total += 3 + run - 5 }
            run = 1
        }
        return total
    }

    /// N3 for one row or column: every 1:1:3:1:1 pattern (of any module width n) with 4n light modules before or
    /// after it, counted once.
    static func finderPenalty(_ line: [Bool]) -> Int {
        // Run lengths, starting with a light run (possibly empty), bordered by light runs as long as the quiet zone.
        var runs: [Int] = []
        var colour = false
        var run = 4
        for module in line {
            if module == colour {
                run += 1
            } else {
                runs.append(run)
                colour = module
                run = 1
            }
        }
        if colour {
            runs.append(run)
            run = 0
        }
        runs.append(run + 4)
        var total = 0
        // Dark runs sit at odd indices; a pattern is dark runs at i-2, i, i+2 with light i-1, i+1.
        var i = 3
        while i + 3 < runs.count {
            let n = runs[i - 2]
            if n > 0 && runs[i - 1] == n && runs[i] == 3 * n && runs[i + 1] == n && runs[i + 2] == n {
                if runs[i - 3] >= 4 * n || runs[i + 3] >= 4 * n { total += 40 }
            }
            i += 2
        }
        return total
    }
}
