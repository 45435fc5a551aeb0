//! Reproducible random-number streams, one per (seed, replication, purpose).
//!
//! Every consumer of randomness (the arrival process, the residence times of one train, the
//! failures of one train, ...) draws from its own ChaCha8 generator whose 256-bit key is
//!
//! ```text
//! key = ( mix(seed ^ K0), mix(replication ^ K1), mix(purpose ^ K2), K3 )   (four u64 words, LE)
//! ```
//!
//! where `mix` is the SplitMix64 finaliser (a bijection on u64) and `K0..K3` are fixed odd
//! constants. The map (seed, replication, purpose) -> key is therefore injective: distinct
//! triples give distinct ChaCha keys, hence statistically independent streams, and a stream
//! never depends on which other streams exist. Adding a train adds new purposes; it does not
//! shift the numbers any other train draws (the basis of common random numbers).

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

/// The generator type of every stream.
pub type StreamRng = ChaCha8Rng;

const K0: u64 = 0x9E37_79B9_7F4A_7C15;
const K1: u64 = 0xD1B5_4A32_D192_ED03;
const K2: u64 = 0x8CB9_2BA7_2F3D_8DD7;
const K3: u64 = 0xA076_1D64_78BD_642F;

/// SplitMix64 finaliser: a bijective avalanche mix of a 64-bit word.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for stream `purpose` of replication `replication` of a run seeded `seed`.
///
/// `purpose` is chosen by the model (e.g. an encoding of "residence times of train 3 of
/// circuit 1"); the engine attaches no meaning to it.
pub fn stream(seed: u64, replication: u64, purpose: u64) -> StreamRng {
    let words = [
        mix64(seed ^ K0),
        mix64(replication ^ K1),
        mix64(purpose ^ K2),
        K3,
    ];
    let mut key = [0u8; 32];
    for (chunk, word) in key.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    ChaCha8Rng::from_seed(key)
}
