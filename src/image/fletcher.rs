//! Fletcher-32: the checksum the image protocols send with every file.
//!
//! The data is read as 16-bit little-endian words (an odd last byte is padded with a zero byte).
//! Two sums run over the words: `sum1` adds each word, `sum2` adds each new `sum1`; both are
//! taken modulo 65535, and the checksum is `sum2 << 16 | sum1`. Because `sum2` weighs every
//! word by its position, swapped or missing words change it, which a plain sum would miss.
//!
//! [`Fletcher32`] takes the data in pieces of any size (a file read chunk by chunk, a stream as
//! it arrives) and gives the same result as [`fletcher32`] over the whole.

/// How many words can be summed in `u64` before the sums must be reduced modulo 65535:
/// after n words, `sum2` is below n²·65535/2 + n·65535, well under 2⁶⁴ for n = 2²⁰.
const WORDS_PER_BLOCK: usize = 1 << 20;

/// A Fletcher-32 computation in progress.
#[derive(Debug, Clone, Default)]
pub struct Fletcher32 {
    sum1: u64,
    sum2: u64,
    /// The first byte of a word whose second byte is still to come.
    pending: Option<u8>,
}

impl Fletcher32 {
    /// A new computation, over no data yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `data` to the data summed so far.
    pub fn update(&mut self, mut data: &[u8]) {
        if let Some(low) = self.pending.take() {
            match data.split_first() {
                Some((&high, rest)) => {
                    self.add_words(&[low, high]);
                    data = rest;
                }
                None => {
                    self.pending = Some(low);
                    return;
                }
            }
        }
        let even = data.len() & !1;
        for block in data[..even].chunks(WORDS_PER_BLOCK * 2) {
            self.add_words(block);
        }
        if even < data.len() {
            self.pending = Some(data[even]);
        }
    }

    /// Sums whole words (`bytes.len()` is even and at most one block).
    fn add_words(&mut self, bytes: &[u8]) {
        let (mut sum1, mut sum2) = (self.sum1, self.sum2);
        for word in bytes.chunks_exact(2) {
            sum1 += u64::from(u16::from_le_bytes([word[0], word[1]]));
            sum2 += sum1;
        }
        self.sum1 = sum1 % 65535;
        self.sum2 = sum2 % 65535;
    }

    /// The checksum of everything given to [`update`](Self::update).
    pub fn finish(&self) -> u32 {
        let mut done = self.clone();
        if let Some(low) = done.pending.take() {
            done.add_words(&[low, 0]);
        }
        ((done.sum2 as u32) << 16) | done.sum1 as u32
    }
}

/// The Fletcher-32 checksum of `data`.
pub fn fletcher32(data: &[u8]) -> u32 {
    let mut sum = Fletcher32::new();
    sum.update(data);
    sum.finish()
}

/// Reads `reader` to its end and returns the Fletcher-32 of what it read: the checksum of a
/// file, read by pieces (never whole in memory).
pub fn checksum_of(reader: &mut impl std::io::Read) -> std::io::Result<u32> {
    let mut sum = Fletcher32::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        match reader.read(&mut buffer)? {
            0 => return Ok(sum.finish()),
            n => sum.update(&buffer[..n]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, word by word, reducing at every step: slow and obviously right.
    fn reference(data: &[u8]) -> u32 {
        let (mut sum1, mut sum2) = (0u32, 0u32);
        for pair in data.chunks(2) {
            let word = u32::from(pair[0]) | u32::from(*pair.get(1).unwrap_or(&0)) << 8;
            sum1 = (sum1 + word) % 65535;
            sum2 = (sum2 + sum1) % 65535;
        }
        (sum2 << 16) | sum1
    }

    /// A small deterministic generator, so a failing case can be replayed.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn published_test_vectors() {
        assert_eq!(fletcher32(b"abcde"), 0xF04F_C729);
        assert_eq!(fletcher32(b"abcdef"), 0x5650_2D2A);
        assert_eq!(fletcher32(b"abcdefgh"), 0xEBE1_9591);
        assert_eq!(fletcher32(b""), 0);
    }

    /// The students' original checksum returned 0 for every input: a real one does not.
    #[test]
    fn different_data_gives_different_checksums() {
        assert_ne!(fletcher32(b"ab"), fletcher32(b"ba"));
        assert_ne!(fletcher32(&[1, 2, 3, 4]), fletcher32(&[3, 4, 1, 2]));
        assert_ne!(fletcher32(&[0x12; 1000]), 0);
    }

    /// Fletcher's known blind spot: modulo 65535, the word 0xFFFF counts as 0x0000.
    #[test]
    fn words_0xffff_and_0x0000_are_the_same_to_fletcher() {
        assert_eq!(fletcher32(&[0xff; 1000]), fletcher32(&[0x00; 1000]));
    }

    #[test]
    fn matches_the_definition_on_random_data_cut_anywhere() {
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300 {
            let len = (xorshift(&mut state) % 5000) as usize;
            let data: Vec<u8> = (0..len).map(|_| xorshift(&mut state) as u8).collect();
            let expected = reference(&data);
            assert_eq!(fletcher32(&data), expected, "len {len}");
            // The same data in random pieces, odd sizes included.
            let mut sum = Fletcher32::new();
            let mut rest = &data[..];
            while !rest.is_empty() {
                let cut = (xorshift(&mut state) as usize % 7).min(rest.len());
                sum.update(&rest[..cut]);
                rest = &rest[cut..];
            }
            assert_eq!(sum.finish(), expected, "len {len}, in pieces");
        }
    }

    /// Long runs of 0xFF bytes push both sums to their largest values: the block reduction
    /// must keep them exact.
    #[test]
    fn large_inputs_of_maximal_words_stay_exact() {
        let data = vec![0xff; 3 * WORDS_PER_BLOCK * 2 + 3];
        assert_eq!(fletcher32(&data), reference(&data));
    }
}
