/// The final codeword sequence: the data split into blocks, each block's error correction codewords appended, and
/// the blocks interleaved.
///
/// ISO/IEC 18004:2015, 7.5.1 (Table 9: blocks, the later ones one data codeword longer when the data does not divide
/// evenly) and 7.6 ("Constructing the final message codeword sequence": data codewords taken column by column across
/// the blocks, the extra codewords of the longer blocks last, then the error correction codewords the same way).
enum QRCodewordSequence {
    /// The interleaved data and error correction codewords, `version.totalCodewords` of them.
    static func interleave(_ data: [UInt8], version: QRVersion, level: QRErrorCorrectionLevel) -> [UInt8] {
        let blockCount = version.blockCount(level)
        let eccLength = version.errorCorrectionPerBlock(level)
        let shortData = data.count / blockCount
        let longBlocks = data.count % blockCount
        let rs = ReedSolomon(degree: eccLength)
        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = 0
        for i in 0..<blockCount {
            let length = shortData + (i >= blockCount - longBlocks ? 1 : 0)
            dataBlocks.append(data[start..<start + length])
            start += length
        }
        let eccBlocks = dataBlocks.map { rs.remainder($0) }
        var out: [UInt8] = []
        out.reserveCapacity(version.totalCodewords)
        for column in 0...shortData {
            for block in dataBlocks where column < block.count {
                out.append(block[block.startIndex + column])
            }
        }
        for column in 0..<eccLength {
            for block in eccBlocks { out.append(block[column]) }
        }
        return out
    }
}
